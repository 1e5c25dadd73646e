/**
 * `backup --changed-ranges` through the CLI: the incremental reads and uploads the changed
 * bytes (stored as patches), `restore` and `repo check --read-data` see them.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { open, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { xorshiftBytes } from "../../src/repository/chunker/golden-input.js";
import { makeTempDir } from "./cli.js";
import { expectJson, repoCli } from "./repo-fixture.js";

const MiB = 1024 * 1024;
const tmp = makeTempDir("lifeboat-e2e-patches-");
const repo = join(tmp.path, "repo");
const image = join(tmp.path, "disk.img");
const cli = repoCli(tmp.path, repo);
const sha256 = async (path: string) =>
  createHash("sha256")
    .update(await readFile(path))
    .digest("hex");

before(async () => {
  const handle = await open(image, "w");
  for (let i = 0; i < 16; i++) await handle.write(xorshiftBytes(MiB, i + 1), 0, MiB, i * MiB);
  await handle.close();
  expectJson(await cli(["repo", "init", "--kdf-n", "1024", "--json"]));
  expectJson(await cli(["backup", image, "--kind", "image", "--json"]));
});

after(() => tmp.remove());

test("a changed-range backup uploads about the changed bytes and restores identically", async () => {
  const handle = await open(image, "r+");
  const ranges: [number, number][] = [];
  for (let k = 0; k < 20; k++) {
    const offset = k * 800 * 1024 + 333;
    await handle.write(xorshiftBytes(3000, 100 + k), 0, 3000, offset);
    ranges.push([offset, 3000]);
  }
  await handle.close();
  await writeFile(join(tmp.path, "ranges.json"), JSON.stringify(ranges));
  const result = expectJson<{ bytesRead: number; bytesUploaded: number; snapshot: string }>(
    await cli(["backup", image, "--kind", "image", "--changed-ranges", "ranges.json", "--json"]),
  );
  assert.equal(result.bytesRead, 20 * 3000);
  assert.ok(result.bytesUploaded <= 20 * 3000 + 64 * 1024, `${result.bytesUploaded} uploaded`);
  expectJson(await cli(["restore", result.snapshot, "--target", "out.img", "--json"]));
  assert.equal(await sha256(join(tmp.path, "out.img")), await sha256(image));
  const check = expectJson<{ ok: boolean }>(await cli(["repo", "check", "--read-data", "--json"]));
  assert.equal(check.ok, true);
});

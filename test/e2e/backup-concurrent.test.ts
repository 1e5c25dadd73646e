import * as assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { xorshiftBytes, wordBytes } from "../../src/repository/chunker/golden-input.js";
import { makeTempDir } from "./cli.js";
import { contentHashes, expectJson, repoCli } from "./repo-fixture.js";

const tmp = makeTempDir("lifeboat-e2e-concurrent-");
const repo = join(tmp.path, "repo");
const cli = repoCli(tmp.path, repo);
const MiB = 1024 * 1024;

before(async () => {
  for (const side of ["one", "two"]) await mkdir(join(tmp.path, side));
  // Both sources share one file, so the two writers race to store the same blobs.
  const shared = xorshiftBytes(6 * MiB, 5);
  await writeFile(join(tmp.path, "one/shared.bin"), shared);
  await writeFile(join(tmp.path, "two/shared.bin"), shared);
  await writeFile(join(tmp.path, "one/own.bin"), xorshiftBytes(5 * MiB, 6));
  await writeFile(join(tmp.path, "two/own.txt"), wordBytes(5 * MiB, 7));
  expectJson(await cli(["repo", "init", "--kdf-n", "1024", "--pack-size", "1", "--json"]));
});

after(() => tmp.remove());

test("two concurrent backups into one repository both succeed; check --read-data passes", async () => {
  const [one, two] = await Promise.all([
    cli(["backup", "one", "--json"]),
    cli(["backup", "two", "--json"]),
  ]);
  const a = expectJson<{ snapshot: string }>(one).snapshot;
  const b = expectJson<{ snapshot: string }>(two).snapshot;
  const check = expectJson<{ counts: { snapshots: number; packsRead: number } }>(
    await cli(["repo", "check", "--read-data", "--json"]),
  );
  assert.equal(check.counts.snapshots, 2);
  assert.ok(check.counts.packsRead > 0);
  for (const [id, side] of [
    [a, "one"],
    [b, "two"],
  ] as const) {
    expectJson(await cli(["restore", id, "--target", `${side}-out`, "--json"]));
    assert.deepEqual(
      await contentHashes(join(tmp.path, `${side}-out`)),
      await contentHashes(join(tmp.path, side)),
    );
  }
});

import * as assert from "node:assert/strict";
import { mkdir, open, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { xorshiftBytes, wordBytes } from "../../src/repository/chunker/golden-input.js";
import { makeTempDir } from "./cli.js";
import { contentHashes, expectJson, repoCli } from "./repo-fixture.js";

const tmp = makeTempDir("lifeboat-e2e-damage-");
const repo = join(tmp.path, "repo");
const cli = repoCli(tmp.path, repo);

async function packs(): Promise<string[]> {
  const out: string[] = [];
  for (const dir of await readdir(join(repo, "data")).catch(() => [])) {
    for (const name of await readdir(join(repo, "data", dir))) out.push(`data/${dir}/${name}`);
  }
  return out.sort();
}

before(async () => {
  await mkdir(join(tmp.path, "a"));
  await mkdir(join(tmp.path, "b"));
  await writeFile(join(tmp.path, "a/random.bin"), xorshiftBytes(3 * 1024 * 1024, 11));
  await writeFile(join(tmp.path, "b/text.txt"), wordBytes(2 * 1024 * 1024, 12));
  expectJson(await cli(["repo", "init", "--kdf-n", "1024", "--pack-size", "1", "--json"]));
});

after(() => tmp.remove());

test("a flipped byte in a pack: check exits 4 naming it; unaffected snapshots still restore", async () => {
  const before = new Set(await packs());
  const a = expectJson<{ snapshot: string }>(await cli(["backup", "a", "--json"])).snapshot;
  const aPacks = (await packs()).filter((p) => !before.has(p));
  const b = expectJson<{ snapshot: string }>(await cli(["backup", "b", "--json"])).snapshot;
  // The largest new pack of backup a holds its file data, not the tiny tree.
  const sizes = await Promise.all(
    aPacks.map(async (p) => {
      const handle = await open(join(repo, p), "r");
      const { size } = await handle.stat();
      await handle.close();
      return { p, size };
    }),
  );
  const victim = sizes.sort((x, y) => y.size - x.size)[0]!.p;
  const handle = await open(join(repo, victim), "r+");
  const byte = Buffer.alloc(1);
  await handle.read(byte, 0, 1, 100);
  byte[0] = byte[0]! ^ 0x40;
  await handle.write(byte, 0, 1, 100);
  await handle.close();

  const check = await cli(["repo", "check", "--read-data", "--json"]);
  assert.equal(check.code, 4, check.stdout);
  const error = expectJson<{
    error: {
      code: string;
      message: string;
      details: { errors: { object: string; snapshots: string[] }[] };
    };
  }>(check, 4).error;
  assert.match(error.code, /^LB_REPO_/);
  const finding = error.details.errors.find((e) => e.object === victim);
  assert.ok(finding, `check names ${victim}: ${error.message}`);
  assert.deepEqual(finding.snapshots, [a]);
  assert.ok(!error.details.errors.some((e) => e.snapshots.includes(b)));
  assert.match(error.message, new RegExp(victim.split("/").at(-1)!));

  expectJson(await cli(["restore", b, "--target", "b-out", "--json"]));
  assert.deepEqual(
    await contentHashes(join(tmp.path, "b-out")),
    await contentHashes(join(tmp.path, "b")),
  );
  const broken = await cli(["restore", a, "--target", "a-out", "--json"]);
  assert.equal(broken.code, 4);
  assert.equal(
    expectJson<{ error: { code: string } }>(broken, 4).error.code,
    "LB_REPO_PACK_CORRUPT",
  );
});

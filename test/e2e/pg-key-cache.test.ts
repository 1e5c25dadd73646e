/**
 * `pg archive-wal --key-cache <dir>` (docs/pg-protection.md, "Key cache") through the built CLI:
 * the first run derives the key and caches it privately, the next ones use it; a rewritten
 * password file invalidates it (a wrong password is refused, never masked by the cache); a
 * directory others may enter is never used. Each archived segment is a recovery point.
 */
import { strict as assert } from "node:assert";
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pgProtectionYaml } from "../harness/pg-cluster.js";
import { jsonOf, runLifeboat, type CliRun } from "./cli.js";

let base: string;
let seq = 0;

const lifeboat = (args: string[]): Promise<CliRun> =>
  runLifeboat([...args, "--config", join(base, "lifeboat.yaml"), "--json"], { cwd: base });

/** Archives a fresh 1 MiB "segment"; resolves the run. */
async function archive(cacheDir: string): Promise<CliRun> {
  const name = `0000000100000000000000${(++seq).toString(16).toUpperCase().padStart(2, "0")}`;
  writeFileSync(join(base, name), Buffer.alloc(1024 * 1024, seq));
  return lifeboat(["pg", "archive-wal", join(base, name), name, "--key-cache", cacheDir]);
}

function ok(run: CliRun): { keyCache: string; pointId: string | null } {
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  return jsonOf(run);
}

before(async () => {
  base = await mkdtemp(join(tmpdir(), "lifeboat-keycache-"));
  writeFileSync(join(base, "password"), "key cache password\n", { mode: 0o600 });
  writeFileSync(
    join(base, "lifeboat.yaml"),
    pgProtectionYaml({
      base,
      passwordFile: "password",
      url: "postgres://replicator@127.0.0.1:1/postgres",
      rpo: "1m",
    }),
  );
  assert.equal((await lifeboat(["repo", "init", "--kdf-n", "1024"])).code, 0);
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

test("the key is derived once, then cached privately and reused", async () => {
  const dir = join(base, "cache");
  assert.equal(ok(await archive(dir)).keyCache, "miss");
  const [file] = readdirSync(dir);
  assert.ok(file);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600);
  const second = ok(await archive(dir));
  assert.equal(second.keyCache, "hit");
  assert.ok(second.pointId, "the segment is a recovery point");
  const points = jsonOf<{ points: { method: string; source: string }[] }>(
    await lifeboat(["points", "shop"]),
  );
  assert.deepEqual(
    points.points.map((p) => `${p.source}/${p.method}`),
    ["main/wal", "main/wal"],
  );
});

test("a rewritten password file invalidates the cache: a wrong password is still refused", async () => {
  const dir = join(base, "cache");
  writeFileSync(join(base, "password"), "not the password\n");
  const denied = await archive(dir);
  assert.equal(denied.code, 4);
  assert.equal(jsonOf<{ error: { code: string } }>(denied).error.code, "LB_REPO_WRONG_PASSWORD");
  writeFileSync(join(base, "password"), "key cache password\n");
  assert.equal(ok(await archive(dir)).keyCache, "miss");
  assert.equal(ok(await archive(dir)).keyCache, "hit");
});

test("a directory others may enter is never used for the key", async () => {
  const open = join(base, "shared");
  mkdirSync(open);
  chmodSync(open, 0o777);
  assert.equal(ok(await archive(open)).keyCache, "unusable");
  assert.equal(readdirSync(open).length, 0);
});

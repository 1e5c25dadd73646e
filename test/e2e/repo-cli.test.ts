import * as assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { makeTree } from "../integration/pipeline-fixture.js";
import { makeTempDir, runLifeboat } from "./cli.js";
import { contentHashes, expectJson, listing, repoCli } from "./repo-fixture.js";

const tmp = makeTempDir("lifeboat-e2e-repo-");
const repo = join(tmp.path, "repo");
const cli = repoCli(tmp.path, repo);
let first: string;

before(async () => {
  await makeTree(join(tmp.path, "data"));
  expectJson(await cli(["repo", "init", "--kdf-n", "1024", "--pack-size", "1", "--json"]));
});

after(() => tmp.remove());

test("backup, snapshots and restore of a file tree through the CLI", async () => {
  const run = await cli(["backup", "data", "--tag", "nightly", "--json"], {
    LIFEBOAT_PROGRESS_MS: "20",
  });
  const result = expectJson<{ snapshot: string; kind: string; bytesUploaded: number }>(run);
  first = result.snapshot;
  assert.equal(result.kind, "tree");
  // --json: progress is NDJSON on stderr, ending with a done event; stdout is one document.
  const events = run.stderr
    .trim()
    .split("\n")
    .filter((line) => line.startsWith("{")) // not a runtime warning
    .map((line) => JSON.parse(line) as { type: string; done: boolean; bytesDone: number });
  assert.ok(events.length >= 1);
  assert.equal(events.at(-1)!.type, "progress");
  assert.equal(events.at(-1)!.done, true);
  assert.ok(events.at(-1)!.bytesDone > 0);

  const listed = expectJson<{ snapshots: { id: string; tags: string[] }[] }>(
    await cli(["repo", "snapshots", "--tag", "nightly", "--kind", "tree", "--json"]),
  );
  assert.deepEqual(
    listed.snapshots.map((s) => s.id),
    [first],
  );
  const none = expectJson<{ snapshots: unknown[] }>(
    await cli(["repo", "snapshots", "--kind", "image", "--json"]),
  );
  assert.equal(none.snapshots.length, 0);

  expectJson(await cli(["restore", first.slice(0, 10), "--target", "out", "--json"]));
  assert.deepEqual(
    await contentHashes(join(tmp.path, "out")),
    await contentHashes(join(tmp.path, "data")),
  );
});

test("restore --at picks the newest snapshot at or before the time", async () => {
  await writeFile(join(tmp.path, "data/new-file"), "added later\n");
  const second = expectJson<{ snapshot: string; parent: string }>(
    await cli(["backup", "data", "--json"]),
  );
  assert.equal(second.parent, first);
  const snaps = expectJson<{ snapshots: { id: string; time: string }[] }>(
    await cli(["repo", "snapshots", "--json"]),
  );
  const firstTime = snaps.snapshots.find((s) => s.id === first)!.time;
  const run = expectJson<{ snapshot: string }>(
    await cli(["restore", "latest", "--at", firstTime, "--target", "at-out", "--json"]),
  );
  assert.equal(run.snapshot, first);
  const early = await cli(["restore", "latest", "--at", "2000-01-01T00:00:00Z", "--target", "x"]);
  assert.equal(early.code, 3);
  assert.match(early.stderr, /LB_SNAPSHOT_NOT_FOUND/);
});

test("a wrong password exits 4 with LB_REPO_WRONG_PASSWORD and writes nothing", async () => {
  const before = await listing(repo);
  for (const args of [
    ["backup", "data", "--json"],
    ["repo", "check", "--json"],
    ["repo", "prune", "--json"],
  ]) {
    const run = await cli(args, { LIFEBOAT_PASSWORD: "not the password" });
    assert.equal(run.code, 4, run.stdout);
    assert.equal(
      expectJson<{ error: { code: string } }>(run, 4).error.code,
      "LB_REPO_WRONG_PASSWORD",
    );
  }
  assert.deepEqual(await listing(repo), before);
  const missing = await cli(["repo", "stats"], { LIFEBOAT_PASSWORD: "" });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /LB_SECRET_MISSING/);
});

test("check, stats, keys, forget, copy and repair index", async () => {
  const check = expectJson<{ ok: boolean; counts: { packsRead: number } }>(
    await cli(["repo", "check", "--read-data", "--json"]),
  );
  assert.ok(check.counts.packsRead > 0);
  expectJson(await cli(["repo", "check", "--read-data-subset", "50%", "--json"]));
  const stats = expectJson<{ snapshots: number; packs: number }>(
    await cli(["repo", "stats", "--json"]),
  );
  assert.equal(stats.snapshots, 2);

  await writeFile(join(tmp.path, "pw2"), "second password\n");
  const added = expectJson<{ added: string }>(
    await cli(["repo", "key", "add", "--new-password-file", "pw2", "--json"]),
  );
  const keys = expectJson<{ keys: { id: string }[] }>(
    await cli(["repo", "key", "list", "--json"], { LIFEBOAT_PASSWORD: "second password" }),
  );
  assert.equal(keys.keys.length, 2);
  assert.ok(keys.keys.some((k) => k.id === added.added));
  expectJson(await cli(["repo", "key", "remove", added.added, "--json"]));

  const dry = expectJson<{ removed: string[]; groups: { remove: unknown[] }[] }>(
    await cli(["repo", "forget", "--keep-last", "1", "--dry-run", "--json"]),
  );
  assert.deepEqual(dry.removed, []);
  assert.equal(dry.groups[0]!.remove.length, 1);

  const copyRepo = join(tmp.path, "copy");
  const other = repoCli(tmp.path, copyRepo);
  expectJson(await other(["repo", "init", "--kdf-n", "1024", "--json"]));
  const copied = expectJson<{ copied: { from: string; to: string }[] }>(
    await cli(["repo", "copy", first, "--to", copyRepo, "--json"]),
  );
  assert.equal(copied.copied[0]!.from, first);
  expectJson(await other(["restore", "latest", "--target", "copy-out", "--json"]));
  assert.deepEqual(
    await contentHashes(join(tmp.path, "copy-out")),
    await contentHashes(join(tmp.path, "out")),
  );

  const repaired = expectJson<{ packs: number }>(await cli(["repo", "repair", "index", "--json"]));
  assert.ok(repaired.packs > 0);
  expectJson(await cli(["repo", "check", "--json"]));

  const forgot = expectJson<{ removed: string[]; prune: { deleted: string[] } | null }>(
    await cli(["repo", "forget", "--keep-last", "1", "--prune", "--json"]),
  );
  assert.deepEqual(forgot.removed, [first]);
  assert.notEqual(forgot.prune, null);
  expectJson(await cli(["repo", "check", "--read-data", "--json"]));
});

test("without --repo, the repository and its password come from the config", async () => {
  const env = { env: { LIFEBOAT_PASSWORD: "from the config's passwordEnv" }, cwd: tmp.path };
  expectJson(await runLifeboat(["init", "--dir", "cfg", "--json"], env));
  const config = ["--config", join(tmp.path, "cfg/lifeboat.yaml")];
  const init = expectJson<{ repository: string }>(
    await runLifeboat(["repo", "init", "--kdf-n", "1024", ...config, "--json"], env),
  );
  assert.equal(init.repository, join(tmp.path, "cfg/.lifeboat/repo"));
  expectJson(await runLifeboat(["backup", "data/small.txt", ...config, "--json"], env));
  const listed = expectJson<{ snapshots: { kind: string }[] }>(
    await runLifeboat(["repo", "snapshots", ...config, "--json"], env),
  );
  assert.deepEqual(
    listed.snapshots.map((s) => s.kind),
    ["file"],
  );
  const unset = await runLifeboat(["repo", "snapshots", ...config, "--json"], { cwd: tmp.path });
  assert.equal(expectJson<{ error: { code: string } }>(unset, 2).error.code, "LB_SECRET_MISSING");
});

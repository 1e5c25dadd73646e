import * as assert from "node:assert/strict";
import { lstat, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { backup } from "../../src/repository/archiver/backup.js";
import type { Repository } from "../../src/repository/repository.js";
import { restore } from "../../src/repository/restorer/restore.js";
import { checkRepository } from "../../src/repository/check.js";
import { describeTree, makeTree } from "./pipeline-fixture.js";
import { fsPlace, initRepo, type BackendPlace } from "./repo-fixture.js";

let dir: string;
let place: BackendPlace;
let repo: Repository;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-pipeline-tree-"));
  place = await fsPlace();
  repo = await initRepo(place);
  await makeTree(join(dir, "src"));
});

after(async () => {
  await repo.close();
  await place.dispose();
  await rm(dir, { recursive: true, force: true });
});

test("a file tree restores byte-identical: symlinks, sparse files, hard links, empty dirs", async () => {
  const result = await backup(repo, { source: join(dir, "src"), tags: ["t1"] });
  assert.equal(result.kind, "tree");
  // a/random.bin, its hard link and a/b/c/dup.bin hold the same bytes: stored once.
  assert.ok(result.blobsReused > 0);
  await restore(repo, { snapshot: result.snapshot, target: join(dir, "out") });
  const want = await describeTree(join(dir, "src"));
  const got = await describeTree(join(dir, "out"));
  assert.deepEqual([...got.keys()], [...want.keys()]);
  for (const [path, facts] of want) assert.deepEqual(got.get(path), facts, path);
  const sparse = await lstat(join(dir, "out/sparse.img"));
  assert.equal(sparse.size, 64 * 1024 * 1024);
  assert.ok(sparse.blocks * 512 < 4 * 1024 * 1024, `sparse.img kept its holes (${sparse.blocks})`);
  const a = await lstat(join(dir, "out/a/random.bin"));
  const b = await lstat(join(dir, "out/hardlink-to-random"));
  assert.equal(a.ino, b.ino);
  assert.equal((await checkRepository(repo, { readData: true })).ok, true);
});

test("an unchanged tree backs up again without uploading data", async () => {
  const again = await backup(repo, { source: join(dir, "src") });
  assert.equal(again.blobsStored, 0);
  assert.equal(again.bytesUploaded, 0);
  assert.equal(again.packsWritten, 0);
});

test("--include restores only matching entries", async () => {
  await restore(repo, { snapshot: "latest", target: join(dir, "some"), include: ["a/b/*.txt"] });
  const got = await describeTree(join(dir, "some"));
  assert.deepEqual([...got.keys()], ["a", "a/b", "a/b/text.txt"]);
  assert.deepEqual(
    await readFile(join(dir, "some/a/b/text.txt")),
    await readFile(join(dir, "src/a/b/text.txt")),
  );
});

test("a single file and a stream restore byte-identical", async () => {
  const file = await backup(repo, { source: join(dir, "src/a/b/text.txt") });
  assert.equal(file.kind, "file");
  const out = await restore(repo, { snapshot: file.snapshot, target: join(dir, "one.txt") });
  assert.deepEqual(await readFile(out.target), await readFile(join(dir, "src/a/b/text.txt")));
  const { Readable } = await import("node:stream");
  const bytes = await readFile(join(dir, "src/a/random.bin"));
  const stream = await backup(repo, {
    source: "-",
    stdin: Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]),
    stdinName: "dump.bin",
  });
  assert.equal(stream.kind, "stream");
  assert.equal(stream.size, bytes.length);
  const s = await restore(repo, { snapshot: stream.snapshot, target: join(dir, "dump.bin") });
  assert.deepEqual(await readFile(s.target), bytes);
});

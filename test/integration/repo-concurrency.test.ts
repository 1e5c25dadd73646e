import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { after, before, test } from "node:test";
import { checkRepository } from "../../src/repository/check.js";
import { forgetSnapshots } from "../../src/repository/forget.js";
import { loadDocument, saveDocument } from "../../src/repository/json-document.js";
import { saveJsonObject } from "../../src/repository/json-object.js";
import { defaultLockTiming, listLocks, type LockTiming } from "../../src/repository/lock.js";
import { BlobType } from "../../src/repository/pack/pack-entry.js";
import { prune } from "../../src/repository/prune.js";
import { Repository } from "../../src/repository/repository.js";
import type { WriteSession } from "../../src/repository/write-session.js";
import { fsPlace, initRepo, password, testOptions, type BackendPlace } from "./repo-fixture.js";

let place: BackendPlace;
before(async () => {
  place = await fsPlace();
});
after(() => place.dispose());

/** Prune's clock a little ahead, so packs written in the same millisecond count as older. */
const pruneNow = { now: () => Date.now() + 1000, marginMs: 0 };

async function backupBlobs(session: WriteSession, blobs: readonly Buffer[], source: string) {
  const content: string[] = [];
  for (const blob of blobs)
    content.push((await session.saveBlob(BlobType.data, blob)).id.toString("hex"));
  const size = blobs.reduce((n, b) => n + b.length, 0);
  const root = await session.saveTree([{ name: source, type: "file", size, content }]);
  return session.commit({ kind: "stream", source, root, size });
}

test("two concurrent writers into one repository both commit, and check --read-data passes", async () => {
  const first = await initRepo(place);
  const second = await Repository.open(first.backend, password, testOptions);
  const shared = Array.from({ length: 4 }, () => randomBytes(200_000));
  const own = () => Array.from({ length: 8 }, () => randomBytes(200_000));
  const [a, b] = await Promise.all([
    first.startWrite("backup a").then((s) => backupBlobs(s, [...shared, ...own()], "a")),
    second.startWrite("backup b").then((s) => backupBlobs(s, [...own(), ...shared], "b")),
  ]);
  assert.notEqual(a, b);
  const report = await checkRepository(first, { readData: true });
  assert.deepEqual(report.errors, []);
  assert.equal(report.counts.snapshots, 2);
  assert.equal((await first.backend.list("locks")).length, 0, "both writers released their locks");
});

test("a crashed writer leaves a valid repository; the next run reuses what it uploaded", async () => {
  const repo = await initRepo(place);
  const blobs = Array.from({ length: 12 }, () => randomBytes(250_000));
  const crashed = await repo.startWrite("backup", { indexEveryPacks: 1 });
  for (const blob of blobs.slice(0, 10)) await crashed.saveBlob(BlobType.data, blob);
  await crashed.flushPacks();
  // The process dies here: no commit, no abort, its lock stays behind.
  const report = await checkRepository(repo);
  assert.deepEqual(report.errors, []);
  const rerun = await repo.startWrite("backup");
  await backupBlobs(rerun, blobs, "disk");
  assert.equal(rerun.stats.blobsReused, 10, "every blob the crashed run uploaded");
  assert.equal(rerun.stats.blobsStored, 2 + 1, "the two it never saw, and the tree");
  assert.deepEqual((await checkRepository(repo, { readData: true })).errors, []);
});

test("forget + prune deletes only unreferenced packs; dry-run changes nothing", async () => {
  const repo = await initRepo(place);
  const old = await saveDocument(repo, {
    name: "old",
    document: { blob: randomBytes(300_000).toString("base64") },
  });
  const kept = await saveDocument(repo, { name: "kept", document: { n: 1 } });
  await repo.removeSnapshot(old);
  const before = (await repo.backend.list("data")).length;
  const dry = await prune(repo, { ...pruneNow, dryRun: true });
  assert.ok(dry.candidates.length >= 2, "the document's data pack and its tree pack");
  assert.equal((await repo.backend.list("data")).length, before);
  const young = await prune(repo, { marginMs: 3600_000 });
  assert.deepEqual(young.deleted, [], "packs younger than the margin stay");
  const report = await prune(repo, pruneNow);
  assert.deepEqual(report.deleted, dry.candidates);
  assert.equal((await repo.backend.list("data")).length, before - report.deleted.length);
  assert.deepEqual(await loadDocument(repo, kept), { n: 1 });
  const check = await checkRepository(repo, { readData: true });
  assert.deepEqual(check.errors, []);
  assert.deepEqual(check.warnings, []);
});

test("prune defers deletion while a writer runs, and deletes once it is gone", async () => {
  const repo = await initRepo(place);
  const old = await saveDocument(repo, {
    name: "old",
    document: { x: randomBytes(1000).toString("hex") },
  });
  await repo.removeSnapshot(old);
  const writer = await repo.startWrite("backup");
  const deferred = await prune(repo, pruneNow);
  assert.deepEqual(deferred.deleted, []);
  assert.ok(deferred.deferred.length >= 2);
  await writer.abort();
  const later = await prune(repo, pruneNow);
  assert.deepEqual(later.deleted, deferred.deferred);
});

test("a writer that reused a candidate's blob during prune's index swap keeps it alive", async () => {
  const repo = await initRepo(place);
  const precious = randomBytes(100_000);
  const gone = await backupBlobs(await repo.startWrite("first"), [precious], "first");
  await repo.removeSnapshot(gone);
  let writer: WriteSession | undefined;
  const report = await prune(repo, {
    ...pruneNow,
    hooks: {
      // A backup starts after prune's first lock check, loads the old index, reuses the blob.
      beforeIndexSwap: async () => {
        writer = await repo.startWrite("racing backup");
        assert.equal((await writer.saveBlob(BlobType.data, precious)).stored, false);
      },
    },
  });
  assert.deepEqual(report.deleted, [], "the second lock listing saw the writer");
  assert.ok(report.indexFilesRemoved >= 1, "the index swap happened");
  const content = [repo.key.blobId(precious).toString("hex")];
  const root = await writer!.saveTree([
    { name: "x", type: "file", size: precious.length, content },
  ]);
  await writer!.commit({ kind: "stream", source: "x", root, size: precious.length });
  const check = await checkRepository(repo, { readData: true });
  assert.deepEqual(check.errors, []);
  const after = await prune(repo, pruneNow);
  assert.ok(!after.deleted.some((p) => p === repo.key.blobId(precious).toString("hex")));
  assert.deepEqual((await checkRepository(repo, { readData: true })).errors, []);
});

test("exclusive locks exclude each other; stale locks are ignored; a stale holder cannot commit", async () => {
  let clock = Date.now();
  const timing: LockTiming = { ...defaultLockTiming, settleMs: 5, now: () => clock };
  const repo = await initRepo(place, { lockTiming: timing });
  const held = await repo.lockExclusive("prune");
  await assert.rejects(repo.lockExclusive("repair index"), (error: unknown) => {
    assert.equal((error as { code: string }).code, "LB_REPO_LOCKED");
    assert.equal((error as { retryable: boolean }).retryable, true);
    return true;
  });
  assert.equal((await repo.backend.list("locks")).length, 1, "the loser removed its own lock");
  clock += 31 * 60_000;
  const taken = await repo.lockExclusive("prune again");
  await taken.release();
  await held.release();
  const session = await repo.startWrite("slow backup");
  const { id } = await session.saveBlob(BlobType.data, randomBytes(1000));
  const root = await session.saveTree([
    { name: "f", type: "file", size: 1000, content: [id.toString("hex")] },
  ]);
  clock += 31 * 60_000; // the laptop slept; prune may have ignored this writer
  await assert.rejects(session.commit({ kind: "stream", source: "f", root, size: 1000 }), {
    code: "LB_REPO_LOCKED",
  });
  assert.deepEqual(await repo.backend.list("snapshots"), []);
  assert.deepEqual(await repo.backend.list("locks"), []);
});

test("forget applies the policy per group; prune then frees the data", async () => {
  const repo = await initRepo(place);
  const day = (d: number) => new Date(Date.UTC(2026, 0, d, 12));
  const ids: string[] = [];
  for (let d = 1; d <= 5; d++) {
    ids.push(
      await saveDocument(repo, {
        name: "shop",
        document: { d, pad: randomBytes(2000).toString("hex") },
        time: day(d),
      }),
    );
  }
  const other = await saveDocument(repo, { name: "blog", document: { only: true }, time: day(1) });
  const dry = await forgetSnapshots(repo, { last: 2 }, { dryRun: true });
  assert.deepEqual(dry.removed, []);
  assert.equal((await repo.listSnapshots()).length, 6);
  const result = await forgetSnapshots(repo, { last: 2 });
  assert.deepEqual(result.removed.sort(), ids.slice(0, 3).sort());
  const left = (await repo.listSnapshots()).map((s) => s.id).sort();
  assert.deepEqual(left, [ids[3], ids[4], other].sort());
  const pruned = await prune(repo, pruneNow);
  assert.ok(pruned.deleted.length >= 3);
  assert.deepEqual((await checkRepository(repo, { readData: true })).errors, []);
  assert.deepEqual(await loadDocument(repo, other), { only: true });
});

test("a lock of a dead process on this host is stale; prune removes it", async () => {
  const repo = await initRepo(place);
  const now = Date.now();
  const dead = {
    lockId: "0".repeat(32),
    exclusive: true,
    operation: "prune",
    host: hostname(),
    pid: 2 ** 22 + 12345,
    started: now,
    refreshed: now,
  };
  await saveJsonObject(repo.backend, repo.codec, "locks", "lock", dead);
  const [listed] = await listLocks(repo.backend, repo.codec, repo.lockTiming);
  assert.equal(listed?.stale, true);
  const lock = await repo.lockExclusive("prune");
  await lock.release();
  const report = await prune(repo, pruneNow);
  assert.equal(report.staleLocksRemoved, 1);
  assert.deepEqual(await repo.backend.list("locks"), []);
});

test("blobs sealed elsewhere (worker threads) are stored once and pass check --read-data", async () => {
  const repo = await initRepo(place);
  const session = await repo.startWrite("workers");
  const data = randomBytes(50_000);
  const id = repo.key.blobId(data);
  const { sealed } = repo.codec.encodeBlob(data);
  const save = () => session.savePresealed(BlobType.data, id, data.length, () => sealed);
  assert.equal((await save()).stored, true);
  assert.equal((await save()).stored, false, "a known blob is not sealed or stored again");
  assert.equal((await session.saveBlob(BlobType.data, data)).stored, false);
  const root = await session.saveTree([
    { name: "w", type: "file", size: data.length, content: [id.toString("hex")] },
  ]);
  await session.commit({ kind: "stream", source: "w", root, size: data.length });
  assert.deepEqual((await checkRepository(repo, { readData: true })).errors, []);
});

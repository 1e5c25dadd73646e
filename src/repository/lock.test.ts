import { strict as assert } from "node:assert";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { FsBackend } from "./backends/fs-backend.js";
import { Codec } from "./codec.js";
import { MasterKey } from "./crypto/master-key.js";
import { defaultLockTiming, listLocks, RepositoryLock, type LockTiming } from "./lock.js";

let root: string;
let backend: FsBackend;
const codec = new Codec(MasterKey.generate());
let clock = 1_000_000;
const timing: LockTiming = { ...defaultLockTiming, settleMs: 1, now: () => clock };
before(async () => {
  root = await mkdtemp(join(tmpdir(), "lifeboat-lock-"));
  backend = new FsBackend(root);
});
after(() => rm(root, { recursive: true, force: true }));

test("refresh replaces the lock object, keeping its id and start time", async () => {
  const lock = await RepositoryLock.acquire(backend, codec, {
    exclusive: false,
    operation: "backup",
    timing,
  });
  const first = lock.name;
  clock += 60_000;
  await lock.refresh();
  assert.notEqual(lock.name, first);
  const listed = await listLocks(backend, codec, timing);
  assert.equal(listed.length, 1);
  assert.equal(listed[0]!.info?.lockId, lock.info.lockId);
  assert.equal(listed[0]!.info?.started, 1_000_000);
  assert.equal(listed[0]!.info?.refreshed, 1_060_000);
  lock.assertHealthy();
  await lock.release();
  assert.deepEqual(await backend.list("locks"), []);
});

test("a release racing a refresh leaves no lock behind", async () => {
  const lock = await RepositoryLock.acquire(backend, codec, {
    exclusive: true,
    operation: "prune",
    timing,
  });
  const refreshing = lock.refresh();
  await lock.release();
  await refreshing;
  assert.deepEqual(await backend.list("locks"), []);
});

test("a lock not refreshed within the stale timeout is stale to others and unhealthy to its holder", async () => {
  const lock = await RepositoryLock.acquire(backend, codec, {
    exclusive: false,
    operation: "backup",
    timing,
  });
  clock += defaultLockTiming.staleMs + 1;
  assert.equal((await listLocks(backend, codec, timing))[0]?.stale, true);
  assert.throws(() => lock.assertHealthy(), { code: "LB_REPO_LOCKED" });
  await lock.release();
});

test("an unreadable lock counts as live until its object is older than the stale timeout", async () => {
  const name = "ab".repeat(32);
  await backend.save("locks", name, Buffer.from("not a sealed lock"));
  const now = Date.now();
  const fresh = await listLocks(backend, codec, { ...timing, now: () => now });
  assert.equal(fresh.find((l) => l.name === name)?.stale, false);
  const later = await listLocks(backend, codec, {
    ...timing,
    now: () => now + defaultLockTiming.staleMs + 60_000,
  });
  assert.equal(later.find((l) => l.name === name)?.stale, true);
  await backend.remove("locks", name);
});

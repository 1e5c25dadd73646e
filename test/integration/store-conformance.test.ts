/**
 * The state store's conformance suite: every test runs against SQLite (a temp file) and
 * PostgreSQL (a real server from the harness; if it cannot start, the suite fails).
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { sql, type Kysely } from "kysely";
import { isLifeboatError, type ErrorCode } from "../../src/model/errors.js";
import {
  createEnvironment,
  getEnvironment,
  listEnvironments,
  updateEnvironment,
} from "../../src/store/environments-repo.js";
import { appendEvent, listEvents } from "../../src/store/events-repo.js";
import {
  appendInventoryVersion,
  getInventoryVersion,
  latestInventoryVersion,
  listInventoryVersions,
  markInventoryVersionSeen,
  recordInventoryCapture,
} from "../../src/store/inventory-versions-repo.js";
import { appliedMigrations, migrateStore } from "../../src/store/migrate-store.js";
import { openStore, type OpenStoreOptions } from "../../src/store/open-store.js";
import {
  acquireRunLease,
  listOrphanedRuns,
  releaseRunLease,
  renewRunLease,
} from "../../src/store/run-lease.js";
import { createRun, getRun, listRuns, updateRun } from "../../src/store/runs-repo.js";
import { appendStepEvent, listStepEvents } from "../../src/store/step-events-repo.js";
import {
  createSteps,
  findStepByIdempotencyKey,
  getStep,
  listSteps,
  updateStep,
} from "../../src/store/steps-repo.js";
import type { Store } from "../../src/store/store.js";
import { createDatabaseOn, testPostgresDatabase } from "../harness/postgres.js";

/** Where fresh, empty stores of one dialect come from. */
interface Target {
  readonly name: "sqlite" | "postgres";
  setUp(): Promise<void>;
  freshUrl(): Promise<string>;
  tearDown(): Promise<void>;
}

function sqliteTarget(): Target {
  let dir = "";
  let n = 0;
  return {
    name: "sqlite",
    setUp: async () => {
      dir = mkdtempSync(join(tmpdir(), "lifeboat-store-"));
    },
    freshUrl: async () => `sqlite:${join(dir, `nested/state-${++n}.db`)}`,
    tearDown: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresTarget(): Target {
  let admin = "";
  let release: () => Promise<void> = async () => undefined;
  return {
    name: "postgres",
    setUp: async () => {
      const database = await testPostgresDatabase("store");
      const url = new URL(database.url);
      url.pathname = "/postgres";
      admin = url.toString();
      release = database.release;
    },
    freshUrl: () => createDatabaseOn(admin, "store"),
    tearDown: () => release(),
  };
}

const rejectsWith = (promise: Promise<unknown>, code: ErrorCode) =>
  assert.rejects(promise, (error) => {
    assert.ok(isLifeboatError(error), `expected ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });

/** A clock the test moves by hand. */
function manualClock(start = Date.parse("2026-03-01T10:00:00.000Z")) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

for (const target of [sqliteTarget(), postgresTarget()]) {
  describe(`state store conformance: ${target.name}`, () => {
    const opened: Store[] = [];
    const open = async (url?: string, options?: OpenStoreOptions) => {
      const store = await openStore(url ?? (await target.freshUrl()), options);
      opened.push(store);
      return store;
    };
    before(() => target.setUp());
    after(async () => {
      await Promise.all(opened.map((store) => store.close()));
      await target.tearDown();
    });

    test("opening migrates once; reopening and migrating again change nothing", async () => {
      const url = await target.freshUrl();
      const first = await open(url);
      assert.equal(first.dialect, target.name);
      await createEnvironment(first, { name: "shop", configDigest: "d1" });
      await first.close();
      const second = await open(url);
      const again = await migrateStore(
        second.db as unknown as Kysely<unknown>,
        second.dialect,
        second.redactedUrl,
      );
      assert.deepEqual(again.applied, []);
      assert.deepEqual(await appliedMigrations(second.db as unknown as Kysely<unknown>), [
        "0001-initial",
      ]);
      assert.equal((await getEnvironment(second, "shop"))?.configDigest, "d1");
    });

    test("a store with a migration this build does not know is LB_STORE_SCHEMA_TOO_NEW", async () => {
      const url = await target.freshUrl();
      const store = await open(url);
      await sql`insert into lifeboat_migration (name, timestamp) values ('9999-future', 'x')`.execute(
        store.db,
      );
      await store.close();
      await rejectsWith(openStore(url), "LB_STORE_SCHEMA_TOO_NEW");
    });

    test("environments: create, get, list, update with the current revision", async () => {
      const clock = manualClock();
      const store = await open(undefined, { now: clock.now });
      const created = await createEnvironment(store, { name: "shop", configDigest: "a" });
      assert.deepEqual(created, {
        name: "shop",
        tenant: "default",
        configDigest: "a",
        status: "active",
        createdAt: clock.now(),
        updatedAt: clock.now(),
        revision: 1,
      });
      await createEnvironment(store, { name: "blog", tenant: "t2", configDigest: "b" });
      await rejectsWith(
        createEnvironment(store, { name: "shop", configDigest: "x" }),
        "LB_STORE_CONFLICT",
      );
      assert.deepEqual(
        (await listEnvironments(store)).map((e) => e.name),
        ["blog", "shop"],
      );
      assert.deepEqual(
        (await listEnvironments(store, { tenant: "t2" })).map((e) => e.name),
        ["blog"],
      );
      clock.advance(1234);
      const updated = await updateEnvironment(store, "shop", 1, { status: "failed-over" });
      assert.equal(updated.revision, 2);
      assert.equal(updated.status, "failed-over");
      assert.equal(updated.configDigest, "a", "fields not in the patch are kept");
      assert.deepEqual(updated.updatedAt, clock.now());
      assert.deepEqual(updated.createdAt, created.createdAt);
      assert.deepEqual(await getEnvironment(store, "shop"), updated);
      assert.equal(await getEnvironment(store, "nope"), undefined);
    });

    test("a stale revision is LB_STORE_CONFLICT and changes nothing", async () => {
      const store = await open();
      await createEnvironment(store, { name: "shop", configDigest: "a" });
      await updateEnvironment(store, "shop", 1, { configDigest: "b" });
      await rejectsWith(
        updateEnvironment(store, "shop", 1, { configDigest: "c" }),
        "LB_STORE_CONFLICT",
      );
      assert.equal((await getEnvironment(store, "shop"))?.configDigest, "b");
      await rejectsWith(updateEnvironment(store, "nope", 1, {}), "LB_ENV_NOT_FOUND");

      await createRun(store, { id: "r1", environment: "shop", mode: "drill" });
      // Two writers read revision 1; exactly one wins.
      const results = await Promise.allSettled([
        updateRun(store, "r1", 1, { phase: "running" }),
        updateRun(store, "r1", 1, { phase: "cancelled" }),
      ]);
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
      const loser = results.find((r) => r.status === "rejected");
      assert.ok(loser && isLifeboatError(loser.reason, "LB_STORE_CONFLICT"));
      assert.equal((await getRun(store, "r1"))?.revision, 2);
    });

    test("a transaction rolls back everything when its function throws", async () => {
      const store = await open();
      const boom = new Error("boom");
      await assert.rejects(
        store.transaction(async (tx) => {
          await createEnvironment(tx, { name: "shop", configDigest: "a" });
          await tx.transaction(async (inner) => {
            await createRun(inner, { id: "r1", environment: "shop", mode: "failover" });
          });
          assert.ok(await getRun(tx, "r1"), "visible inside the transaction");
          throw boom;
        }),
        (error) => error === boom,
      );
      assert.equal(await getEnvironment(store, "shop"), undefined);
      assert.equal(await getRun(store, "r1"), undefined);
      const committed = await store.transaction(async (tx) => {
        await createEnvironment(tx, { name: "shop", configDigest: "a" });
        return "done";
      });
      assert.equal(committed, "done");
      assert.ok(await getEnvironment(store, "shop"));
    });

    test("inventory versions count up per environment, newest first", async () => {
      const clock = manualClock();
      const store = await open(undefined, { now: clock.now });
      await rejectsWith(
        appendInventoryVersion(store, {
          environment: "shop",
          digest: "x",
          snapshotId: "s",
          counts: {},
        }),
        "LB_ENV_NOT_FOUND",
      );
      await createEnvironment(store, { name: "shop", configDigest: "a" });
      await createEnvironment(store, { name: "blog", configDigest: "a" });
      const v1 = await appendInventoryVersion(store, {
        environment: "shop",
        digest: "d1",
        snapshotId: "snap1",
        counts: { network: 1, instance: 4 },
      });
      assert.deepEqual(v1, {
        environment: "shop",
        version: 1,
        capturedAt: clock.now(),
        lastSeenAt: clock.now(),
        digest: "d1",
        snapshotId: "snap1",
        counts: { network: 1, instance: 4 },
      });
      clock.advance(60_000);
      await appendInventoryVersion(store, {
        environment: "shop",
        digest: "d2",
        snapshotId: "s2",
        counts: {},
      });
      await appendInventoryVersion(store, {
        environment: "blog",
        digest: "b1",
        snapshotId: "s3",
        counts: {},
      });
      assert.equal((await latestInventoryVersion(store, "shop"))?.digest, "d2");
      assert.deepEqual(
        (await listInventoryVersions(store, "shop")).map((v) => v.version),
        [2, 1],
      );
      assert.deepEqual(
        (await listInventoryVersions(store, "shop", { beforeVersion: 2 })).map((v) => v.digest),
        ["d1"],
      );
      clock.advance(5000);
      const seen = await markInventoryVersionSeen(store, "shop", 2);
      assert.deepEqual(seen.lastSeenAt, clock.now());
      const earlier = await markInventoryVersionSeen(store, "shop", 2, new Date(0));
      assert.deepEqual(earlier.lastSeenAt, clock.now(), "last seen never moves backwards");
      await rejectsWith(markInventoryVersionSeen(store, "shop", 9), "LB_VERSION_NOT_FOUND");
      assert.equal(await getInventoryVersion(store, "shop", 9), undefined);
      await assert.rejects(
        appendInventoryVersion(store, {
          environment: "shop",
          digest: "d",
          snapshotId: "s",
          counts: { instance: -1 },
        }),
        (error) => isLifeboatError(error, "LB_INVALID_INPUT"),
      );

      // Concurrent captures never collide on a version number.
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          appendInventoryVersion(store, {
            environment: "shop",
            digest: `c${i}`,
            snapshotId: "s",
            counts: {},
          }),
        ),
      );
      assert.deepEqual(
        (await listInventoryVersions(store, "shop")).map((v) => v.version),
        Array.from({ length: 12 }, (_, i) => 12 - i),
      );
    });

    test("recording captures: an unchanged inventory moves lastSeenAt, even when concurrent", async () => {
      const clock = manualClock();
      const store = await open(undefined, { now: clock.now });
      await createEnvironment(store, { name: "shop", configDigest: "a" });
      const capture = (digest: string) =>
        recordInventoryCapture(store, {
          environment: "shop",
          digest,
          snapshotId: digest,
          counts: {},
        });
      const first = await capture("d1");
      assert.deepEqual([first.created, first.version.version], [true, 1]);
      clock.advance(60_000);
      const same = await capture("d1");
      assert.deepEqual([same.created, same.version.version], [false, 1]);
      assert.deepEqual(same.version.lastSeenAt, clock.now());
      assert.deepEqual(same.version.capturedAt, first.version.capturedAt);
      const results = await Promise.all([
        capture("d2"),
        capture("d2"),
        capture("d2"),
        capture("d1"),
      ]);
      const versions = await listInventoryVersions(store, "shop");
      const created = results.filter((r) => r.created).length;
      assert.equal(versions.length, 1 + created);
      for (let i = 1; i < versions.length; i++) {
        assert.notEqual(versions[i]?.digest, versions[i - 1]?.digest, "no two consecutive equal");
      }
      await rejectsWith(
        capture("zz").then(() =>
          recordInventoryCapture(store, {
            environment: "nope",
            digest: "x",
            snapshotId: "x",
            counts: {},
          }),
        ),
        "LB_ENV_NOT_FOUND",
      );
    });

    test("runs: create, get, list, update; JSON and timestamps round-trip exactly", async () => {
      const clock = manualClock();
      const store = await open(undefined, { now: clock.now });
      await rejectsWith(
        createRun(store, { environment: "nope", mode: "drill" }),
        "LB_ENV_NOT_FOUND",
      );
      await createEnvironment(store, { name: "shop", configDigest: "a" });
      const plan = {
        steps: [
          {
            id: "net",
            dependsOn: [],
            input: { cidr: "10.0.0.0/16", tags: { "lifeboat:run": "x" } },
          },
        ],
        unicode: 'façade ✓ 日本 \u0000 "quoted" \\ back',
        numbers: [0, -1, 1.5, 1e-7, 9007199254740991],
        nothing: null,
        empty: {},
        flags: [true, false],
      };
      const run = await createRun(store, { environment: "shop", mode: "failover", plan });
      assert.match(run.id, /^[0-9a-f-]{36}$/);
      assert.equal(run.phase, "pending");
      assert.equal(run.revision, 1);
      assert.deepEqual(run.plan, plan);
      assert.equal(run.report, null);
      assert.equal(run.startedAt, null);
      await rejectsWith(
        createRun(store, { id: run.id, environment: "shop", mode: "drill" }),
        "LB_STORE_CONFLICT",
      );
      await rejectsWith(
        createRun(store, { environment: "shop", mode: "teardown", parentRunId: "nope" }),
        "LB_RUN_NOT_FOUND",
      );
      const teardown = await createRun(store, {
        id: "t1",
        environment: "shop",
        mode: "teardown",
        parentRunId: run.id,
      });
      assert.equal(teardown.parentRunId, run.id);

      // Timestamps: millisecond precision, pre-1970 and far future, exactly as given.
      const startedAt = new Date("2026-01-02T03:04:05.678Z");
      const finishedAt = new Date("2099-12-31T23:59:59.999Z");
      const error = {
        code: "LB_PROVIDER_THROTTLED",
        message: "slow",
        retryable: true,
        details: { n: 1 },
      };
      const updated = await updateRun(store, run.id, 1, {
        phase: "failed",
        startedAt,
        finishedAt,
        report: { rtoMs: 123456, steps: [] },
        error,
      });
      assert.equal(updated.revision, 2);
      const read = await getRun(store, run.id);
      assert.deepEqual(read, updated);
      assert.equal(read?.startedAt?.toISOString(), "2026-01-02T03:04:05.678Z");
      assert.equal(read?.finishedAt?.toISOString(), "2099-12-31T23:59:59.999Z");
      assert.deepEqual(read?.plan, plan);
      assert.deepEqual(read?.error, error);
      const old = await updateRun(store, run.id, 2, {
        startedAt: new Date(-86_400_001),
        error: null,
      });
      assert.equal(old.startedAt?.getTime(), -86_400_001);
      assert.equal(old.error, null);
      assert.deepEqual(old.report, { rtoMs: 123456, steps: [] }, "untouched fields are kept");
      await rejectsWith(updateRun(store, "nope", 1, { phase: "running" }), "LB_RUN_NOT_FOUND");
      await assert.rejects(
        updateRun(store, run.id, 3, { report: { when: new Date() } as never }),
        (e) => isLifeboatError(e, "LB_INVALID_INPUT"),
      );

      clock.advance(1000);
      await createRun(store, { id: "d1", environment: "shop", mode: "drill", phase: "running" });
      assert.deepEqual(
        (await listRuns(store)).map((r) => r.id),
        ["d1", ...[run.id, "t1"].sort()],
      );
      assert.deepEqual(
        (await listRuns(store, { phases: ["running"] })).map((r) => r.id),
        ["d1"],
      );
      assert.deepEqual(await listRuns(store, { environment: "blog" }), []);
      assert.equal((await listRuns(store, { limit: 2 })).length, 2);
    });

    test("a row that does not parse is LB_STORE_CORRUPT", async () => {
      const store = await open();
      await createEnvironment(store, { name: "shop", configDigest: "a" });
      await createRun(store, { id: "r1", environment: "shop", mode: "drill" });
      await store.db
        .updateTable("runs")
        .set({ phase: "exploded" })
        .where("id", "=", "r1")
        .execute();
      await rejectsWith(getRun(store, "r1"), "LB_STORE_CORRUPT");
      await store.db
        .updateTable("runs")
        .set({ phase: "pending", plan_json: "{not json" })
        .where("id", "=", "r1")
        .execute();
      await rejectsWith(getRun(store, "r1"), "LB_STORE_CORRUPT");
    });

    test("leases: one owner at a time; an expired lease can be taken over", async () => {
      const clock = manualClock();
      const store = await open(undefined, { now: clock.now });
      await createEnvironment(store, { name: "shop", configDigest: "a" });
      await createRun(store, { id: "r1", environment: "shop", mode: "failover", phase: "running" });
      assert.deepEqual(
        (await listOrphanedRuns(store)).map((r) => r.id),
        ["r1"],
      );
      const mine = await acquireRunLease(store, "r1", "exec-a", 30_000);
      assert.equal(mine?.leaseOwner, "exec-a");
      assert.equal(mine?.leaseExpiresAt?.getTime(), clock.now().getTime() + 30_000);
      assert.equal(mine?.revision, 1, "leases do not bump the revision");
      assert.deepEqual(await listOrphanedRuns(store), []);
      assert.equal(await acquireRunLease(store, "r1", "exec-b", 30_000), undefined);
      clock.advance(20_000);
      const renewed = await renewRunLease(store, "r1", "exec-a", 30_000);
      assert.equal(renewed.getTime(), clock.now().getTime() + 30_000);
      clock.advance(29_999);
      assert.equal(await acquireRunLease(store, "r1", "exec-b", 30_000), undefined);
      clock.advance(1);
      assert.deepEqual(
        (await listOrphanedRuns(store)).map((r) => r.id),
        ["r1"],
      );
      assert.equal((await acquireRunLease(store, "r1", "exec-b", 30_000))?.leaseOwner, "exec-b");
      await rejectsWith(renewRunLease(store, "r1", "exec-a", 30_000), "LB_STORE_CONFLICT");
      await releaseRunLease(store, "r1", "exec-a");
      assert.equal((await getRun(store, "r1"))?.leaseOwner, "exec-b", "only the owner releases");
      await releaseRunLease(store, "r1", "exec-b");
      assert.equal((await getRun(store, "r1"))?.leaseOwner, null);
      await rejectsWith(acquireRunLease(store, "nope", "exec-a", 1), "LB_RUN_NOT_FOUND");
      // Content updates with the right revision still work while a lease is held.
      await acquireRunLease(store, "r1", "exec-a", 30_000);
      assert.equal((await updateRun(store, "r1", 1, { phase: "succeeded" })).leaseOwner, "exec-a");
    });

    test("steps: create, list, find by idempotency key, update with revision", async () => {
      const clock = manualClock();
      const store = await open(undefined, { now: clock.now });
      await createEnvironment(store, { name: "shop", configDigest: "a" });
      await createRun(store, { id: "r1", environment: "shop", mode: "drill" });
      await createRun(store, { id: "r2", environment: "shop", mode: "drill" });
      await rejectsWith(
        createSteps(store, "nope", [{ stepId: "a", kind: "k", idempotencyKey: "x" }]),
        "LB_RUN_NOT_FOUND",
      );
      const created = await createSteps(store, "r1", [
        { stepId: "net", kind: "network", idempotencyKey: "r1/net" },
        { stepId: "vm", kind: "instance", idempotencyKey: "r1/vm", dependsOn: ["net"] },
      ]);
      assert.deepEqual(
        created.map((s) => [s.stepId, s.phase, s.attempts, s.revision, s.dependsOn]),
        [
          ["net", "pending", 0, 1, []],
          ["vm", "pending", 0, 1, ["net"]],
        ],
      );
      await rejectsWith(
        createSteps(store, "r2", [{ stepId: "net", kind: "network", idempotencyKey: "r1/net" }]),
        "LB_STORE_CONFLICT",
      );
      assert.deepEqual(await listSteps(store, "r2"), [], "a failed batch inserts nothing");
      assert.equal((await findStepByIdempotencyKey(store, "r1/vm"))?.stepId, "vm");
      clock.advance(10);
      const running = await updateStep(store, "r1", "net", 1, {
        phase: "running",
        attempts: 1,
        startedAt: clock.now(),
      });
      const done = await updateStep(store, "r1", "net", running.revision, {
        phase: "succeeded",
        finishedAt: clock.now(),
        outputs: { networkId: "vpc-123", subnets: ["a", "b"] },
      });
      assert.equal(done.revision, 3);
      assert.deepEqual(await getStep(store, "r1", "net"), done);
      assert.deepEqual(done.outputs, { networkId: "vpc-123", subnets: ["a", "b"] });
      assert.equal(done.attempts, 1);
      await rejectsWith(
        updateStep(store, "r1", "net", 1, { phase: "failed" }),
        "LB_STORE_CONFLICT",
      );
      await rejectsWith(
        updateStep(store, "r1", "nope", 1, { phase: "failed" }),
        "LB_STEP_NOT_FOUND",
      );
      assert.deepEqual(
        (await listSteps(store, "r1")).map((s) => [s.stepId, s.phase]),
        [
          ["net", "succeeded"],
          ["vm", "pending"],
        ],
      );
    });

    test("journal: 50 concurrent appends get seq 1..50 with no gaps or duplicates", async () => {
      const store = await open(undefined, { maxConnections: 20 });
      await createEnvironment(store, { name: "shop", configDigest: "a" });
      await createRun(store, { id: "r1", environment: "shop", mode: "failover" });
      await createRun(store, { id: "r2", environment: "shop", mode: "failover" });
      await createSteps(store, "r1", [{ stepId: "net", kind: "network", idempotencyKey: "k" }]);
      const appended = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          appendStepEvent(store, {
            runId: i % 5 === 0 ? "r2" : "r1",
            stepId: i % 2 === 0 ? "net" : null,
            type: "step.progress",
            data: { i },
          }),
        ),
      );
      const seqs = (runId: string) =>
        appended
          .filter((e) => e.runId === runId)
          .map((e) => e.seq)
          .sort((a, b) => a - b);
      assert.deepEqual(
        seqs("r1"),
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      assert.deepEqual(
        seqs("r2"),
        Array.from({ length: 10 }, (_, i) => i + 1),
      );
      const journal = await listStepEvents(store, "r1");
      assert.deepEqual(
        journal.map((e) => e.seq),
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      assert.deepEqual(
        journal.map((e) => e.data.i).sort((a, b) => Number(a) - Number(b)),
        appended.filter((e) => e.runId === "r1").map((e) => e.data.i),
      );
      assert.deepEqual(
        (await listStepEvents(store, "r1", { afterSeq: 37 })).map((e) => e.seq),
        [38, 39, 40],
      );
      assert.deepEqual(
        (await listStepEvents(store, "r1", { afterSeq: 10, limit: 2 })).map((e) => e.seq),
        [11, 12],
      );
      await rejectsWith(appendStepEvent(store, { runId: "nope", type: "x" }), "LB_RUN_NOT_FOUND");
      // A rolled-back append gives its number back.
      await assert.rejects(
        store.transaction(async (tx) => {
          await appendStepEvent(tx, { runId: "r2", type: "doomed" });
          throw new Error("roll back");
        }),
      );
      assert.equal((await appendStepEvent(store, { runId: "r2", type: "next" })).seq, 11);
    });

    test("events: append and read back in order, filtered, after a cursor", async () => {
      const clock = manualClock();
      const store = await open(undefined, { now: clock.now });
      const first = await appendEvent(store, {
        environment: "shop",
        type: "health.changed",
        severity: "warning",
        data: { from: "up", to: "degraded", probes: [{ ok: false }] },
      });
      assert.equal(first.environment, "shop");
      assert.equal(first.runId, null);
      assert.deepEqual(first.at, clock.now());
      assert.deepEqual(first.data, { from: "up", to: "degraded", probes: [{ ok: false }] });
      clock.advance(1);
      const second = await appendEvent(store, {
        environment: "shop",
        runId: "r1",
        type: "failover.held",
        severity: "info",
      });
      await appendEvent(store, { type: "token.created", severity: "info", data: { name: "ci" } });
      await appendEvent(store, { environment: "blog", type: "x", severity: "critical" });
      assert.ok(second.id > first.id);
      assert.deepEqual(
        (await listEvents(store, { environment: "shop" })).map((e) => e.type),
        ["health.changed", "failover.held"],
      );
      assert.deepEqual(
        (await listEvents(store, { afterId: first.id, limit: 2 })).map((e) => e.type),
        ["failover.held", "token.created"],
      );
      assert.deepEqual(
        (await listEvents(store, { severities: ["critical", "warning"] })).map((e) => e.type),
        ["health.changed", "x"],
      );
      assert.deepEqual(
        (await listEvents(store, { runId: "r1" })).map((e) => e.id),
        [second.id],
      );
      assert.equal((await listEvents(store)).length, 4);
    });
  });
}

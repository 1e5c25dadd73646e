/**
 * State store conformance, part 2 (same tests on SQLite and PostgreSQL): what the durable
 * executor relies on — runs, leases, steps, the run journal — and the events log.
 */
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "../../src/model/errors.js";
import { createEnvironment } from "../../src/store/environments-repo.js";
import { appendEvent, listEvents } from "../../src/store/events-repo.js";
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
import { describeStoreConformance, manualClock, rejectsWith } from "./store-targets.js";

describeStoreConformance("state store conformance (runs)", ({ open, freshUrl }) => {
  test("runs: create, get, list, update; JSON and timestamps round-trip exactly", async () => {
    const clock = manualClock();
    const store = await open(undefined, { now: clock.now });
    await rejectsWith(createRun(store, { environment: "nope", mode: "drill" }), "LB_ENV_NOT_FOUND");
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
    await rejectsWith(updateStep(store, "r1", "net", 1, { phase: "failed" }), "LB_STORE_CONFLICT");
    await rejectsWith(updateStep(store, "r1", "nope", 1, { phase: "failed" }), "LB_STEP_NOT_FOUND");
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

  test("journal: two connections appending to one run still get a dense sequence", async () => {
    const url = await freshUrl();
    const one = await open(url);
    const two = await open(url); // a second pool (PostgreSQL) or connection (SQLite)
    await createEnvironment(one, { name: "shop", configDigest: "a" });
    await createRun(one, { id: "r1", environment: "shop", mode: "failover" });
    const appended = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        appendStepEvent(i % 2 === 0 ? one : two, { runId: "r1", type: "p", data: { i } }),
      ),
    );
    assert.deepEqual(
      appended.map((e) => e.seq).sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    assert.equal((await listStepEvents(two, "r1")).length, 50);
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

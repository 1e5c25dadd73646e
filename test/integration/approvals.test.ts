/**
 * Approvals on SQLite and PostgreSQL: the repo (first decision wins, audit event), and an
 * `approval` step inside a real executor run — the dependent step waits until `approve`,
 * never runs after a rejection or a timeout, and a cancel ends the wait.
 */
import { strict as assert } from "node:assert";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { approvalStepHandler } from "../../src/execute/approval-step.js";
import { decideApproval, waitingApprovals } from "../../src/execute/decide-approval.js";
import { Executor, type RunOutcome } from "../../src/execute/executor.js";
import type { ExecutableStep } from "../../src/execute/execution-plan.js";
import { ManualClock } from "../../src/model/clock.js";
import { isLifeboatError, type ErrorCode } from "../../src/model/errors.js";
import { findApproval, listApprovals, recordApproval } from "../../src/store/approvals-repo.js";
import { listEvents } from "../../src/store/events-repo.js";
import { createRun } from "../../src/store/runs-repo.js";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { getStep } from "../../src/store/steps-repo.js";
import type { Store } from "../../src/store/store.js";
import { newTrace, plan, recordingHandler, step, storeTargets } from "./execute-fixture.js";

const rejectsWith = (promise: Promise<unknown>, code: ErrorCode) =>
  assert.rejects(promise, (error) => {
    assert.ok(isLifeboatError(error), `expected ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });

function gate(id: string, timeoutSeconds = 60): ExecutableStep {
  return {
    id,
    kind: "approval",
    dependsOn: [],
    idempotencyKey: `k-${id}`,
    input: { timeoutSeconds, message: "move DNS" },
  };
}

/** Polls (real time, generous bound) until `check` is true. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1500; i++) {
    if (await check()) return;
    await delay(20);
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** A run of [approval gate(s)] → `move` (kind make), executing on a manual clock. */
async function startGated(store: Store, gates: ExecutableStep[] = [gate("approve")]) {
  const clock = new ManualClock();
  const trace = newTrace();
  const executor = new Executor({
    store,
    clock,
    handlers: { make: recordingHandler(trace), approval: approvalStepHandler(store) },
  });
  const run = await executor.createRun({
    environment: "shop",
    mode: "failover",
    plan: plan([
      ...gates,
      step(
        "move",
        gates.map((g) => g.id),
      ),
    ]),
  });
  let outcome: RunOutcome | undefined;
  const done = executor.execute(run.id).then((o) => (outcome = o));
  const waitingFor = (n: number) =>
    eventually(async () => (await waitingApprovals(store, run.id)).length === n, "the wait");
  /** Moves the manual clock on until the run ends (each poll of the gate is 1 s). */
  const finish = async (stepMs = 1000): Promise<RunOutcome> => {
    while (outcome === undefined) {
      clock.advance(stepMs);
      await delay(10);
    }
    return await done;
  };
  return { run, trace, executor, clock, waitingFor, finish };
}

for (const target of storeTargets()) {
  describe(`approvals: ${target.name}`, () => {
    before(() => target.setUp());
    after(() => target.tearDown());

    test("the first decision wins; the same decision again is harmless; it is audited", async () => {
      const { store } = await target.fresh();
      const run = await createRun(store, { environment: "shop", mode: "failover" });
      assert.equal(await findApproval(store, run.id, "approval:dns"), undefined);
      const first = await recordApproval(store, {
        runId: run.id,
        stepId: "approval:dns",
        decision: "approved",
        by: "alice",
        comment: "go",
      });
      assert.equal(first.decision, "approved");
      const again = await recordApproval(store, { ...first, comment: "again" });
      assert.deepEqual(again, first);
      await rejectsWith(
        recordApproval(store, { ...first, decision: "rejected", by: "bob" }),
        "LB_APPROVAL_ALREADY_DECIDED",
      );
      assert.deepEqual(await findApproval(store, run.id, "approval:dns"), first);
      assert.deepEqual(await listApprovals(store, run.id), [first]);
      const audit = await listEvents(store, { runId: run.id });
      assert.deepEqual(
        audit.map((e) => [e.type, e.environment, e.data.by]),
        [["approval.approved", "shop", "alice"]],
      );
      await rejectsWith(
        recordApproval(store, { ...first, runId: "no-such-run" }),
        "LB_RUN_NOT_FOUND",
      );
    });

    test("approve and reject racing: exactly one decision is stored", async () => {
      const { store, url } = await target.fresh();
      const peer = await target.peer(url, store);
      const run = await createRun(store, { environment: "shop", mode: "failover" });
      const base = { runId: run.id, stepId: "s", by: "x", comment: null };
      const results = await Promise.allSettled([
        recordApproval(store, { ...base, decision: "approved" }),
        recordApproval(peer, { ...base, decision: "rejected" }),
      ]);
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
      const lost = results.find((r) => r.status === "rejected");
      assert.ok(isLifeboatError(lost?.reason, "LB_APPROVAL_ALREADY_DECIDED"));
      assert.equal((await listApprovals(store, run.id)).length, 1);
    });

    test("the dependent step waits until approved, then runs once", async () => {
      const { store } = await target.fresh();
      const g = await startGated(store);
      await g.waitingFor(1);
      const [waiting] = await waitingApprovals(store, g.run.id);
      assert.equal(waiting?.stepId, "approve");
      assert.equal(waiting?.message, "move DNS");
      assert.equal((await getStep(store, g.run.id, "approve"))?.phase, "running");
      g.clock.advance(30_000);
      await delay(50);
      assert.equal(g.trace.calls.get("move"), undefined, "nothing moves before approval");
      const record = await decideApproval(store, {
        runId: g.run.id,
        decision: "approved",
        by: "alice",
      });
      assert.equal(record.stepId, "approve");
      const outcome = await g.finish();
      assert.equal(outcome.run.phase, "succeeded");
      assert.equal(g.trace.calls.get("move"), 1);
      const journal = await listStepEvents(store, g.run.id);
      assert.ok(journal.some((e) => e.type === "approval.waiting" && e.stepId === "approve"));
      const approved = await getStep(store, g.run.id, "approve");
      assert.equal(approved?.outputs?.by, "alice");
      await rejectsWith(
        decideApproval(store, { runId: g.run.id, decision: "rejected", by: "bob" }),
        "LB_APPROVAL_NOT_WAITING",
      );
    });

    test("a rejection fails the gate, skips what follows, and stays rejected on resume", async () => {
      const { store } = await target.fresh();
      const g = await startGated(store);
      await g.waitingFor(1);
      await decideApproval(store, {
        runId: g.run.id,
        stepId: "approve",
        decision: "rejected",
        by: "bob",
        comment: "not now",
      });
      const outcome = await g.finish();
      assert.equal(outcome.run.phase, "failed");
      assert.equal(outcome.run.error?.code, "LB_APPROVAL_REJECTED");
      assert.equal((await getStep(store, g.run.id, "move"))?.phase, "skipped");
      assert.equal(g.trace.calls.get("move"), undefined);
      const resumed = await g.executor.execute(g.run.id);
      assert.equal(resumed.run.phase, "failed");
      assert.equal(g.trace.calls.get("move"), undefined);
    });

    test("no decision within the timeout fails the gate; resume asks again", async () => {
      const { store } = await target.fresh();
      const g = await startGated(store, [gate("approve", 5)]);
      await g.waitingFor(1);
      const outcome = await g.finish();
      assert.equal(outcome.run.phase, "failed");
      assert.equal(outcome.run.error?.code, "LB_APPROVAL_TIMEOUT");
      assert.equal(g.trace.calls.get("move"), undefined);
      assert.equal((await waitingApprovals(store, g.run.id)).length, 0);

      let resumed: RunOutcome | undefined;
      const again = g.executor.execute(g.run.id).then((o) => (resumed = o));
      await g.waitingFor(1);
      await decideApproval(store, { runId: g.run.id, decision: "approved", by: "carol" });
      while (resumed === undefined) {
        g.clock.advance(1000);
        await delay(10);
      }
      assert.equal((await again).run.phase, "succeeded");
      assert.equal(g.trace.calls.get("move"), 1);
      const waits = (await listStepEvents(store, g.run.id)).filter(
        (e) => e.type === "approval.waiting",
      );
      assert.equal(waits.length, 2);
    });

    test("cancel ends the wait; the run is cancelled and nothing moved", async () => {
      const { store } = await target.fresh();
      const g = await startGated(store);
      await g.waitingFor(1);
      await g.executor.cancel(g.run.id);
      const outcome = await g.finish();
      assert.equal(outcome.run.phase, "cancelled");
      assert.equal(g.trace.calls.get("move"), undefined);
    });

    test("several gates waiting: deciding without --step is ambiguous; with it, fine", async () => {
      const { store } = await target.fresh();
      const g = await startGated(store, [gate("one"), gate("two")]);
      await g.waitingFor(2);
      await rejectsWith(
        decideApproval(store, { runId: g.run.id, decision: "approved", by: "a" }),
        "LB_APPROVAL_AMBIGUOUS",
      );
      await rejectsWith(
        decideApproval(store, { runId: g.run.id, stepId: "nope", decision: "approved", by: "a" }),
        "LB_STEP_NOT_FOUND",
      );
      await decideApproval(store, {
        runId: g.run.id,
        stepId: "one",
        decision: "approved",
        by: "a",
      });
      await g.waitingFor(1);
      await decideApproval(store, { runId: g.run.id, decision: "approved", by: "a" });
      assert.equal((await g.finish()).run.phase, "succeeded");
      await rejectsWith(
        decideApproval(store, { runId: "missing", decision: "approved", by: "a" }),
        "LB_RUN_NOT_FOUND",
      );
    });
  });
}

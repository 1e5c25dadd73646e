/**
 * A workflow attached to a recovery plan (`workflow` step, src/workflows/attached-workflow-step.ts)
 * inside a real executor run, on SQLite and PostgreSQL: its `approval` step waits in the child
 * workflow run, `decideApproval` on the recovery run finds and decides it there, and only then
 * does the dependent step run; a rejection fails the recovery step with the workflow's code,
 * and a resume starts a new round of the workflow that asks again.
 */
import { strict as assert } from "node:assert";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { waitForApproval } from "../../src/execute/approval-gate.js";
import { decideApproval, waitingApprovals } from "../../src/execute/decide-approval.js";
import { Executor } from "../../src/execute/executor.js";
import { systemClock } from "../../src/model/clock.js";
import { workflowSchema } from "../../src/model/workflow.js";
import { approvalPlugin } from "../../src/plugins/builtin/approval.js";
import { PluginRegistry } from "../../src/plugins/plugin-registry.js";
import { getRun } from "../../src/store/runs-repo.js";
import { getStep } from "../../src/store/steps-repo.js";
import type { Store } from "../../src/store/store.js";
import { attachedWorkflowStep } from "../../src/workflows/attached-workflow-step.js";
import { newTrace, plan, recordingHandler, step, storeTargets } from "./execute-fixture.js";

const gate = workflowSchema.parse({ steps: [{ id: "approve-dns", action: "approval" }] });

function executorOn(store: Store) {
  const registry = new PluginRegistry();
  registry.register(
    approvalPlugin({
      wait: async (request) => {
        const record = await waitForApproval(store, { ...request, clock: systemClock, pollMs: 20 });
        return { by: record.by, at: record.at, comment: record.comment };
      },
    }),
  );
  const trace = newTrace();
  const executor = new Executor({
    store,
    handlers: {
      make: recordingHandler(trace),
      workflow: attachedWorkflowStep({
        store,
        registry: async () => registry,
        workflows: { gate },
      }),
    },
  });
  return { executor, trace };
}

const attached = {
  id: "workflow:before-dns:gate",
  kind: "workflow",
  dependsOn: [],
  idempotencyKey: "k-gate",
  input: { point: "before-dns", workflow: "gate", machines: {} },
};

/** Polls (real time, generous bound) until the run waits in an attached workflow. */
async function waitingChild(store: Store, runId: string): Promise<string> {
  for (let i = 0; i < 1500; i++) {
    const [waiting] = await waitingApprovals(store, runId);
    if (waiting) {
      assert.equal(waiting.stepId, "approve-dns");
      assert.notEqual(waiting.runId, runId);
      return waiting.runId;
    }
    await delay(20);
  }
  assert.fail(`run ${runId} never waited`);
}

/** A failover run of the attached workflow then `dns-move`, waiting in the workflow's approval. */
async function waitingAtPoint(store: Store) {
  const { executor, trace } = executorOn(store);
  const run = await executor.createRun({
    environment: "shop",
    mode: "failover",
    plan: plan([attached, step("dns-move", [attached.id])]),
  });
  const execution = executor.execute(run.id);
  const child = await waitingChild(store, run.id);
  return { executor, trace, run, execution, child };
}

for (const target of storeTargets()) {
  describe(`attached workflows: ${target.name}`, () => {
    before(() => target.setUp());
    after(() => target.tearDown());

    test("the approval inside waits in the child run; approving the recovery run lets DNS move", async () => {
      const { store } = await target.fresh();
      const { trace, run, execution: done, child } = await waitingAtPoint(store);
      assert.equal((await getRun(store, child))?.parentRunId, run.id);
      assert.equal(trace.calls.get("dns-move"), undefined, "nothing after the point runs");
      const record = await decideApproval(store, {
        runId: run.id,
        decision: "approved",
        by: "ops",
      });
      assert.deepEqual([record.runId, record.stepId], [child, "approve-dns"]);
      const outcome = await done;
      assert.equal(outcome.run.phase, "succeeded");
      assert.equal(trace.calls.get("dns-move"), 1);
      const outputs = (await getStep(store, run.id, attached.id))?.outputs;
      assert.equal(outputs?.workflowRun, child);
    });

    test("a rejection fails the point with the workflow's code; resume asks again in a new round", async () => {
      const { store } = await target.fresh();
      const { executor, trace, run, execution: first, child } = await waitingAtPoint(store);
      await decideApproval(store, {
        runId: run.id,
        stepId: "approve-dns",
        decision: "rejected",
        by: "ops",
      });
      const failed = await first;
      assert.equal(failed.run.phase, "failed");
      assert.equal(
        (await getStep(store, run.id, attached.id))?.error?.code,
        "LB_APPROVAL_REJECTED",
      );
      assert.equal(trace.calls.get("dns-move"), undefined);

      const resumed = executor.execute(run.id);
      const again = await waitingChild(store, run.id);
      assert.notEqual(again, child, "a new round of the workflow");
      await decideApproval(store, { runId: run.id, decision: "approved", by: "ops" });
      assert.equal((await resumed).run.phase, "succeeded");
      assert.equal(trace.calls.get("dns-move"), 1);
    });
  });
}

import { randomUUID } from "node:crypto";
import type { Clock } from "../model/clock.js";
import { isLifeboatError } from "../model/errors.js";
import { transition } from "../model/plan/phases.js";
import { acquireRunLease, releaseRunLease } from "../store/run-lease.js";
import { requireRun, updateRun, type RunRecord } from "../store/runs-repo.js";
import { appendStepEvent } from "../store/step-events-repo.js";
import { listSteps, updateStep } from "../store/steps-repo.js";
import type { Store } from "../store/store.js";
import {
  machineRunPhase,
  recordedRunPhase,
  recordedStepPhase,
} from "../model/plan/recorded-phases.js";

/**
 * Records a cancel request. A running run becomes `cancelling` (its executor drains it); a run
 * that never started becomes `cancelled` at once, with its steps — under a short lease of its
 * own, so an executor cannot start it meanwhile; anything else is left as it is. Retries when
 * a concurrent writer changed the run first.
 */
export async function cancelRun(store: Store, runId: string, clock: Clock): Promise<RunRecord> {
  for (let attempt = 1; ; attempt++) {
    try {
      const run = await requireRun(store, runId);
      const phase = machineRunPhase(run.phase);
      if (phase === "running") return await requestCancel(store, run);
      if (phase === "planned") {
        const cancelled = await cancelUnstarted(store, run, clock);
        if (cancelled) return cancelled;
        continue; // an executor took it meanwhile: it is running now
      }
      return run;
    } catch (error) {
      if (attempt >= 5 || !isLifeboatError(error, "LB_STORE_CONFLICT") || !error.retryable) {
        throw error;
      }
    }
  }
}

async function requestCancel(store: Store, run: RunRecord): Promise<RunRecord> {
  const next = transition("run", machineRunPhase(run.phase), "cancel");
  return await store.transaction(async (tx) => {
    const updated = await updateRun(tx, run.id, run.revision, { phase: recordedRunPhase(next) });
    await appendStepEvent(tx, { runId: run.id, type: "run.cancel-requested", data: {} });
    return updated;
  });
}

async function cancelUnstarted(
  store: Store,
  run: RunRecord,
  clock: Clock,
): Promise<RunRecord | undefined> {
  const owner = `cancel:${randomUUID()}`;
  const leased = await acquireRunLease(store, run.id, owner, 60_000);
  if (!leased) return undefined;
  try {
    if (leased.phase !== "pending") return undefined;
    const next = transition("run", "planned", "cancel");
    return await store.transaction(async (tx) => {
      const at = clock.now();
      for (const step of await listSteps(tx, run.id)) {
        if (step.phase !== "pending") continue;
        const phase = transition("step", step.phase, "cancel");
        await updateStep(tx, run.id, step.stepId, step.revision, {
          phase: recordedStepPhase(phase),
          finishedAt: at,
        });
        await appendStepEvent(tx, {
          runId: run.id,
          stepId: step.stepId,
          type: "step.cancelled",
          data: { phase },
        });
      }
      const updated = await updateRun(tx, run.id, leased.revision, {
        phase: recordedRunPhase(next),
        finishedAt: at,
        error: { code: "LB_CANCELLED", message: "the run was cancelled before it started" },
      });
      await appendStepEvent(tx, {
        runId: run.id,
        type: "run.finished",
        data: { outcome: "cancel" },
      });
      return updated;
    });
  } finally {
    await releaseRunLease(store, run.id, owner);
  }
}

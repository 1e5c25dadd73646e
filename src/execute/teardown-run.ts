import { LifeboatError } from "../model/errors.js";
import { listRuns, requireRun, type RunRecord } from "../store/runs-repo.js";
import type { StoreSession } from "../store/store.js";

/** The run a teardown may undo: a recovery run that has ended. */
export async function teardownTarget(s: StoreSession, runId: string): Promise<RunRecord> {
  const run = await requireRun(s, runId);
  if (run.mode === "teardown") {
    throw new LifeboatError("LB_INVALID_INPUT", `run ${runId} is itself a teardown`, {
      details: { runId },
      remedy: "Tear down the run it undoes (its parent run) instead.",
    });
  }
  if (!["succeeded", "failed", "cancelled"].includes(run.phase)) {
    throw new LifeboatError("LB_RUN_ACTIVE", `run ${runId} is ${run.phase}`, {
      details: { runId, phase: run.phase },
    });
  }
  return run;
}

/** The teardown run of `parent`, if one was created (there is at most one). */
export async function findTeardownRun(
  s: StoreSession,
  parent: RunRecord,
): Promise<RunRecord | undefined> {
  const runs = await listRuns(s, { environment: parent.environment });
  return runs.find((r) => r.mode === "teardown" && r.parentRunId === parent.id);
}

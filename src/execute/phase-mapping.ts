import { BugError } from "../model/errors.js";
import type { RunPhase, StepPhase } from "../model/plan/phases.js";
import type { RunPhase as StoredRunPhase, StepPhase as StoredStepPhase } from "../store/phases.js";

/*
 * The phase machine (src/model/plan/phases.ts) has more phases than the store records. The
 * store keeps the durable ones; the rest are transient (a step waiting on a gate or backing
 * off is `running` in the store: after a crash it runs again) or belong to a separate
 * teardown run (`tearing-down` is a child run of mode `teardown`; see teardown-plan.ts).
 */

const runToStore: Partial<Record<RunPhase, StoredRunPhase>> = {
  planned: "pending",
  running: "running",
  cancelling: "cancelling",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
};

export function storedRunPhase(phase: RunPhase): StoredRunPhase {
  const stored = runToStore[phase];
  if (stored === undefined) throw new BugError(`run phase ${phase} is not stored on the run`);
  return stored;
}

export function modelRunPhase(stored: StoredRunPhase): RunPhase {
  if (stored === "pending") return "planned";
  if (stored === "paused") throw new BugError("the executor never pauses a run");
  return stored;
}

export function storedStepPhase(phase: StepPhase): StoredStepPhase {
  return phase === "waiting" || phase === "retrying" ? "running" : phase;
}

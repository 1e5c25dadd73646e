import { BugError } from "../errors.js";
import type { RunPhase, StepPhase } from "./phases.js";

/*
 * The phases a run or step record shows (the state store, the API, `lifeboat runs`), derived
 * from the phase machine in phases.ts. The machine has more phases than a record keeps: a step
 * waiting on a gate or backing off is recorded as `running` (after a crash it runs again), and
 * a run's teardown phases belong to its teardown child run (mode `teardown`, teardown-plan.ts).
 * The recorded strings are stored: they never change, whatever the machine calls its phases.
 */

/** A run's recorded phases: the machine's `planned` is recorded as `pending`. */
export const recordedRunPhases = [
  "pending",
  "running",
  /** Reserved: nothing pauses a run yet. */
  "paused",
  "succeeded",
  "failed",
  "cancelling",
  "cancelled",
] as const;
export type RecordedRunPhase = (typeof recordedRunPhases)[number];

/** A step's recorded phases: the machine's `waiting` and `retrying` are recorded as `running`. */
export const recordedStepPhases = [
  "pending",
  "running",
  "succeeded",
  "failed",
  "skipped",
  "cancelled",
] as const;
export type RecordedStepPhase = (typeof recordedStepPhases)[number];

/** Recorded run phases after which nothing more happens to the run. */
export const terminalRunPhases: readonly RecordedRunPhase[] = ["succeeded", "failed", "cancelled"];

const runToRecord: Partial<Record<RunPhase, RecordedRunPhase>> = {
  planned: "pending",
  running: "running",
  cancelling: "cancelling",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
};

/** How a run in machine phase `phase` is recorded; a teardown phase on the run is a bug. */
export function recordedRunPhase(phase: RunPhase): RecordedRunPhase {
  const recorded = runToRecord[phase];
  if (recorded === undefined) throw new BugError(`run phase ${phase} is not stored on the run`);
  return recorded;
}

/** The machine phase of a recorded run. */
export function machineRunPhase(recorded: RecordedRunPhase): RunPhase {
  if (recorded === "pending") return "planned";
  if (recorded === "paused") throw new BugError("the executor never pauses a run");
  return recorded;
}

/** How a step in machine phase `phase` is recorded. */
export function recordedStepPhase(phase: StepPhase): RecordedStepPhase {
  return phase === "waiting" || phase === "retrying" ? "running" : phase;
}

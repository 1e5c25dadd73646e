import { BugError } from "../errors.js";

/** Phases of a recovery run (one execution of a plan, and later its teardown). */
export const runPhases = [
  "planned",
  "running",
  "cancelling",
  "succeeded",
  "failed",
  "cancelled",
  "tearing-down",
  "torn-down",
  "teardown-failed",
] as const;
export type RunPhase = (typeof runPhases)[number];

/** Phases of one step within a run. */
export const stepPhases = [
  "pending",
  "running",
  "waiting",
  "retrying",
  "succeeded",
  "failed",
  "skipped",
  "cancelled",
] as const;
export type StepPhase = (typeof stepPhases)[number];

export type RunEvent =
  | "start"
  | "complete"
  | "fail"
  | "cancel"
  | "drained"
  | "resume"
  | "teardown"
  | "teardown-complete"
  | "teardown-fail";

export type StepEvent =
  | "start"
  | "gate"
  | "succeed"
  | "fail"
  | "retry"
  | "backoff-over"
  | "skip"
  | "cancel"
  | "interrupt"
  | "resume";

interface Machines {
  run: { phase: RunPhase; event: RunEvent };
  step: { phase: StepPhase; event: StepEvent };
}
type Table<M extends keyof Machines> = {
  readonly [P in Machines[M]["phase"]]: Partial<Record<Machines[M]["event"], Machines[M]["phase"]>>;
};

/**
 * The run's transitions (docs/recovery-plan.md, "Phases"). `resume` from `running` is the
 * restart after a crash: the journal still says running, and the run carries on from it.
 * A cancel lets in-flight steps finish (`cancelling`) and then reports `drained`.
 */
const runTable: Table<"run"> = {
  planned: { start: "running", cancel: "cancelled" },
  running: { complete: "succeeded", fail: "failed", cancel: "cancelling", resume: "running" },
  cancelling: { drained: "cancelled", resume: "cancelling" },
  succeeded: { teardown: "tearing-down" },
  failed: { resume: "running", teardown: "tearing-down" },
  cancelled: { resume: "running", teardown: "tearing-down" },
  "tearing-down": {
    "teardown-complete": "torn-down",
    "teardown-fail": "teardown-failed",
    teardown: "tearing-down",
  },
  "torn-down": { teardown: "torn-down" },
  "teardown-failed": { teardown: "tearing-down" },
};

/**
 * A step's transitions. A running API call is never abandoned, so `cancel` does not apply to
 * `running`; a wait, a back-off and a step not yet started stop at once. `interrupt` is how a
 * restarted executor returns steps it finds in flight to `pending`: they run again under the
 * same idempotency key and adopt what the first attempt made.
 */
const stepTable: Table<"step"> = {
  pending: { start: "running", skip: "skipped", cancel: "cancelled" },
  running: {
    gate: "waiting",
    succeed: "succeeded",
    fail: "failed",
    retry: "retrying",
    interrupt: "pending",
  },
  waiting: { succeed: "succeeded", fail: "failed", cancel: "cancelled", interrupt: "pending" },
  retrying: { "backoff-over": "running", cancel: "cancelled", interrupt: "pending" },
  succeeded: {},
  failed: { resume: "pending" },
  skipped: { resume: "pending" },
  cancelled: { resume: "pending" },
};

const tables = { run: runTable, step: stepTable } as const;

/**
 * The one transition function for runs and steps: the phase `event` leads to from `from`, or
 * a {@link BugError} when the table does not allow it (an engine asking for an illegal move is
 * a bug, not a user error).
 */
export function transition<M extends keyof Machines>(
  machine: M,
  from: Machines[M]["phase"],
  event: Machines[M]["event"],
): Machines[M]["phase"] {
  const next = allowedTransitions(machine, from)[event];
  if (next === undefined) throw new BugError(`${machine} phase ${from} does not allow ${event}`);
  return next;
}

/** The events `from` accepts, with where each leads. */
export function allowedTransitions<M extends keyof Machines>(
  machine: M,
  from: Machines[M]["phase"],
): Partial<Record<Machines[M]["event"], Machines[M]["phase"]>> {
  const table = tables[machine] as Table<M>;
  return table[from];
}

/** Phases a run or a step never leaves without an operator (resume, teardown). */
export function isTerminal<M extends keyof Machines>(
  machine: M,
  phase: Machines[M]["phase"],
): boolean {
  if (machine === "step") return ["succeeded", "failed", "skipped", "cancelled"].includes(phase);
  return ["succeeded", "failed", "cancelled", "torn-down", "teardown-failed"].includes(phase);
}

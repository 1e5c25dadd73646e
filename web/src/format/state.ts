/**
 * State by colour and words: every badge carries a tone (the colour) and a label (the word), so
 * nothing depends on telling red from green.
 */
import type { Health, RunPhase, RunSummary, StepPhase } from "../api/types.js";

export type Tone = "ok" | "warn" | "bad" | "info" | "idle";

export interface StateLabel {
  tone: Tone;
  label: string;
}

export const healthState: Record<Health, StateLabel> = {
  ok: { tone: "ok", label: "Healthy" },
  degraded: { tone: "warn", label: "Degraded" },
  down: { tone: "bad", label: "Down" },
  unknown: { tone: "idle", label: "Unknown" },
};

/** Every recorded run phase the API sends (recorded-phases.ts); a new one is a type error here. */
export const runPhaseState: Record<RunPhase, StateLabel> = {
  pending: { tone: "idle", label: "Pending" },
  running: { tone: "info", label: "Running" },
  paused: { tone: "warn", label: "Paused" },
  cancelling: { tone: "warn", label: "Cancelling" },
  succeeded: { tone: "ok", label: "Succeeded" },
  failed: { tone: "bad", label: "Failed" },
  cancelled: { tone: "warn", label: "Cancelled" },
};

/**
 * The same phases on a teardown run (mode `teardown`, or a run report's `teardown`): a run's
 * teardown phases are recorded on its teardown child run, so this is where they are shown.
 */
export const teardownPhaseState: Record<RunPhase, StateLabel> = {
  pending: { tone: "idle", label: "Teardown pending" },
  running: { tone: "info", label: "Tearing down" },
  paused: { tone: "warn", label: "Teardown paused" },
  cancelling: { tone: "warn", label: "Cancelling teardown" },
  succeeded: { tone: "ok", label: "Torn down" },
  failed: { tone: "bad", label: "Teardown failed" },
  cancelled: { tone: "warn", label: "Teardown cancelled" },
};

/** A run's badge: teardown runs say what they did to their parent run's resources. */
export const runState = (run: Pick<RunSummary, "mode" | "phase">): StateLabel =>
  stateOf(run.mode === "teardown" ? teardownPhaseState : runPhaseState, run.phase);

/** Every recorded step phase: `waiting` and `retrying` steps are recorded (and sent) as running. */
export const stepPhaseState: Record<StepPhase, StateLabel> = {
  pending: { tone: "idle", label: "Pending" },
  running: { tone: "info", label: "Running" },
  succeeded: { tone: "ok", label: "Done" },
  failed: { tone: "bad", label: "Failed" },
  skipped: { tone: "idle", label: "Skipped" },
  cancelled: { tone: "warn", label: "Cancelled" },
};

/** Unknown strings (a newer server) still render, as neutral, with their own word. */
export function stateOf<K extends string>(table: Record<K, StateLabel>, key: string): StateLabel {
  return (table as Record<string, StateLabel>)[key] ?? { tone: "idle", label: key };
}

/**
 * RPO status: how old the newest recovery point is against the environment's budget.
 * Over budget is red; past 80% of it amber, so someone looks before it is breached.
 */
export function rpoState(
  newestPointAt: string | null,
  budgetMs: number | null,
  now: number,
): StateLabel & { ageMs: number | null } {
  // Without a budget nothing promised data protection yet: say so without raising an alarm.
  if (!newestPointAt && !budgetMs)
    return { tone: "idle", label: "Data not protected", ageMs: null };
  if (!newestPointAt) return { tone: "bad", label: "No recovery point", ageMs: null };
  const ageMs = now - Date.parse(newestPointAt);
  if (!budgetMs) return { tone: "idle", label: "No RPO budget", ageMs };
  if (ageMs > budgetMs) return { tone: "bad", label: "RPO breached", ageMs };
  if (ageMs > budgetMs * 0.8) return { tone: "warn", label: "RPO at risk", ageMs };
  return { tone: "ok", label: "RPO met", ageMs };
}

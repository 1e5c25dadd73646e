/**
 * State by colour and words: every badge carries a tone (the colour) and a label (the word), so
 * nothing depends on telling red from green.
 */
import type { Health, RunPhase, StepPhase } from "../api/types.js";

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

export const runPhaseState: Record<RunPhase, StateLabel> = {
  planned: { tone: "idle", label: "Planned" },
  running: { tone: "info", label: "Running" },
  cancelling: { tone: "warn", label: "Cancelling" },
  succeeded: { tone: "ok", label: "Succeeded" },
  failed: { tone: "bad", label: "Failed" },
  cancelled: { tone: "warn", label: "Cancelled" },
  "tearing-down": { tone: "info", label: "Tearing down" },
  "torn-down": { tone: "ok", label: "Torn down" },
  "teardown-failed": { tone: "bad", label: "Teardown failed" },
};

export const stepPhaseState: Record<StepPhase, StateLabel> = {
  pending: { tone: "idle", label: "Pending" },
  running: { tone: "info", label: "Running" },
  waiting: { tone: "info", label: "Waiting" },
  retrying: { tone: "warn", label: "Retrying" },
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

import type { RunRecord } from "../store/runs-repo.js";
import type { StepEventRecord } from "../store/step-events-repo.js";
import type { StepRecord } from "../store/steps-repo.js";
import type { StoredError } from "../store/stored-error.js";

/** One step in a {@link RunReport}. Times are ISO-8601 strings; null when it never ran. */
export interface StepReport {
  readonly stepId: string;
  readonly kind: string;
  readonly phase: string;
  readonly attempts: number;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  /** From the step's last success: `created`, `adopted`, `deleted`, `absent`, or null. */
  readonly resolution: string | null;
  readonly error: StoredError | null;
}

/**
 * What a run did and how long it took (`runs.report_json`, `lifeboat run <id> --json`).
 * `wallMs` runs from the first start to the end, time spent crashed included: for a recovery
 * it is the measured RTO of the rebuild.
 */
export interface RunReport {
  readonly runId: string;
  readonly mode: string;
  readonly phase: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly wallMs: number | null;
  readonly steps: readonly StepReport[];
  /** The chain of dependent steps with the greatest summed duration, first to last. */
  readonly criticalPath: { readonly steps: readonly string[]; readonly durationMs: number };
  /** The most steps in any chain of dependencies (the plan's depth). */
  readonly longestChain: number;
  /** The most steps in flight at once, over every session of the run. */
  readonly peakInFlight: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly errors: readonly { readonly stepId: string; readonly error: StoredError }[];
}

/** Builds the report from the stored run, its steps and its journal. */
export function buildRunReport(
  run: RunRecord,
  steps: readonly StepRecord[],
  events: readonly StepEventRecord[],
  finishedAt: Date | null = run.finishedAt,
): RunReport {
  const resolution = new Map<string, string>();
  let peakInFlight = 0;
  for (const event of events) {
    const inFlight = event.data.inFlight;
    if (event.type === "step.started" && typeof inFlight === "number") {
      peakInFlight = Math.max(peakInFlight, inFlight);
    }
    const resolved = event.data.resolution;
    if (event.type === "step.succeeded" && event.stepId && typeof resolved === "string") {
      resolution.set(event.stepId, resolved);
    }
  }
  const duration = (s: StepRecord) =>
    s.startedAt && s.finishedAt ? s.finishedAt.getTime() - s.startedAt.getTime() : null;
  const stepReports = steps.map((s): StepReport => ({
    stepId: s.stepId,
    kind: s.kind,
    phase: s.phase,
    attempts: s.attempts,
    startedAt: s.startedAt?.toISOString() ?? null,
    finishedAt: s.finishedAt?.toISOString() ?? null,
    durationMs: duration(s),
    resolution: s.phase === "succeeded" ? (resolution.get(s.stepId) ?? null) : null,
    error: s.error,
  }));
  const counts: Record<string, number> = {};
  for (const s of stepReports) {
    counts[s.phase] = (counts[s.phase] ?? 0) + 1;
    if (s.resolution) counts[s.resolution] = (counts[s.resolution] ?? 0) + 1;
  }
  const started = run.startedAt;
  return {
    runId: run.id,
    mode: run.mode,
    phase: run.phase,
    startedAt: started?.toISOString() ?? null,
    finishedAt: finishedAt?.toISOString() ?? null,
    wallMs: started && finishedAt ? finishedAt.getTime() - started.getTime() : null,
    steps: stepReports,
    criticalPath: criticalPath(steps, (s) => duration(s) ?? 0),
    longestChain: criticalPath(steps, () => 1).durationMs,
    peakInFlight,
    counts,
    errors: steps.flatMap((s) =>
      s.phase === "failed" && s.error ? [{ stepId: s.stepId, error: s.error }] : [],
    ),
  };
}

/** The heaviest chain through `dependsOn` by `weight` (a DAG; memoised longest path). */
export function criticalPath(
  steps: readonly StepRecord[],
  weight: (step: StepRecord) => number,
): { steps: string[]; durationMs: number } {
  const byId = new Map(steps.map((s) => [s.stepId, s]));
  const best = new Map<string, { total: number; via: string | undefined }>();
  const visit = (id: string): number => {
    const known = best.get(id);
    if (known) return known.total;
    const step = byId.get(id);
    if (!step) return 0;
    let via: string | undefined;
    let longest = 0;
    for (const dep of step.dependsOn) {
      const total = visit(dep);
      if (total > longest || via === undefined) [longest, via] = [total, dep];
    }
    const total = weight(step) + longest;
    best.set(id, { total, via });
    return total;
  };
  let end: string | undefined;
  let max = -1;
  for (const step of steps) {
    const total = visit(step.stepId);
    if (total > max) [max, end] = [total, step.stepId];
  }
  const chain: string[] = [];
  for (let id = end; id !== undefined; id = best.get(id)?.via) chain.unshift(id);
  return { steps: chain, durationMs: Math.max(0, max) };
}

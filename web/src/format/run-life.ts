import type { RunDetail, RunPhase } from "../api/types.js";

const settled: ReadonlySet<string> = new Set<RunPhase>(["succeeded", "failed", "cancelled"]);

/**
 * Whether more is still to happen to a run without anyone acting: it is executing, or it has
 * succeeded and its verification is not recorded yet, or a drill's own teardown has not ended.
 * The run page follows a live run closely and a settled one lazily.
 */
export function runIsLive(detail: RunDetail | undefined): boolean {
  if (!detail) return true;
  const { run, report } = detail;
  if (!settled.has(run.phase)) return true;
  if (run.phase === "succeeded" && !report?.verification) return true;
  const teardown = report?.teardown;
  if (teardown) return !settled.has(teardown.phase);
  return report?.teardownAfter === true && ["succeeded", "failed", "cancelled"].includes(run.phase);
}

/**
 * Whether offering "Tear down" makes sense: the run has stopped, made things, and no teardown
 * has succeeded or is on its way (a drill tears down by itself after verifying).
 */
export function canTearDown(detail: RunDetail): boolean {
  const { run, report } = detail;
  if (!settled.has(run.phase)) return false;
  if (run.mode === "teardown") return false;
  if (report?.teardown) return report.teardown.phase === "failed";
  return !runIsLive(detail);
}

/** Steps in the order they ran (started first on top), those not started after, by id. */
export function executionOrder<T extends { id: string; startedAt: string | null }>(
  steps: T[],
): T[] {
  return [...steps].sort((a, b) => {
    if (a.startedAt && b.startedAt)
      return a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id);
    if (a.startedAt) return -1;
    if (b.startedAt) return 1;
    return a.id.localeCompare(b.id);
  });
}

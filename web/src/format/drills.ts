import type { RunSummary } from "../api/types.js";

/** The newest finished drill of an environment: the last proof that recovery works. */
export function lastDrill(runs: RunSummary[], environment: string): RunSummary | undefined {
  return runs
    .filter((r) => r.environment === environment && r.mode === "drill" && r.finishedAt !== null)
    .sort((a, b) => (b.finishedAt ?? "").localeCompare(a.finishedAt ?? ""))[0];
}

/** Whether the rebuild worked (a drill's teardown is a run of its own: the drill stays succeeded). */
export const drillPassed = (run: RunSummary) => run.phase === "succeeded";

import type { RunSummary } from "../api/types.js";

/** The newest finished drill of an environment: the last proof that recovery works. */
export function lastDrill(runs: RunSummary[], environment: string): RunSummary | undefined {
  return runs
    .filter((r) => r.environment === environment && r.mode === "drill" && r.finishedAt !== null)
    .sort((a, b) => (b.finishedAt ?? "").localeCompare(a.finishedAt ?? ""))[0];
}

/** Drill phases that mean the rebuild worked (a torn-down drill succeeded first). */
export const drillPassed = (run: RunSummary) =>
  ["succeeded", "tearing-down", "torn-down", "teardown-failed"].includes(run.phase);

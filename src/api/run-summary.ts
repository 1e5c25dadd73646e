import { z } from "zod";
import { recoveryEvents } from "../recover/index.js";
import type { RunRecord } from "../store/runs-repo.js";
import { listStepEvents } from "../store/step-events-repo.js";
import type { StoreSession } from "../store/store.js";

/** One row of `GET /runs` (docs/api.md). */
export const runSummarySchema = z.object({
  id: z.string(),
  environment: z.string(),
  mode: z.string(),
  phase: z.string(),
  parentRunId: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** Measured recovery time: start to end of a finished run. */
  rtoMs: z.number().nullable(),
  /** Achieved recovery point: run start − capture time of the version it rebuilt. */
  rpoMs: z.number().nullable(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/** The summary of `run`, with RTO and RPO measured from its journal. */
export async function runSummary(s: StoreSession, run: RunRecord): Promise<RunSummary> {
  const events = await listStepEvents(s, run.id);
  const point = events.findLast((e) => e.type === recoveryEvents.point)?.data;
  const capturedAt = typeof point?.capturedAt === "string" ? Date.parse(point.capturedAt) : NaN;
  const started = run.startedAt?.getTime();
  return {
    id: run.id,
    environment: run.environment,
    mode: run.mode,
    phase: run.phase,
    parentRunId: run.parentRunId,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    rtoMs: started !== undefined && run.finishedAt ? run.finishedAt.getTime() - started : null,
    rpoMs: started !== undefined && !Number.isNaN(capturedAt) ? started - capturedAt : null,
  };
}

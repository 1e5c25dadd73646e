import { z } from "zod";
import { listEvents } from "../store/events-repo.js";
import { getEnvironment } from "../store/environments-repo.js";
import { latestInventoryVersion } from "../store/inventory-versions-repo.js";
import type { ApiDeps, ApiEnvironment } from "./api-deps.js";

export const healthValues = ["ok", "degraded", "down", "unknown"] as const;
export type Health = (typeof healthValues)[number];

/** One row of `GET /environments` (docs/api.md). */
export const environmentSummarySchema = z.object({
  name: z.string(),
  tenant: z.string(),
  status: z.string(),
  health: z.enum(healthValues),
  lastCaptureAt: z.string().nullable(),
  newestRecoveryPointAt: z.string().nullable(),
  rpoBudgetMs: z.number().nullable(),
  captureEveryMs: z.number(),
  latestVersion: z.number().nullable(),
});
export type EnvironmentSummary = z.infer<typeof environmentSummarySchema>;

/** Watch decision types (src/watch) and the health each leaves the environment in. */
const healthAfter: Readonly<Record<string, Health>> = {
  "watch.action": "down",
  "watch.suppressed": "degraded",
  "watch.recovered": "ok",
  "probe.ok": "ok",
  "probe.failing": "degraded",
};

/** The health the newest watch decision or probe event implies; `unknown` before any. */
export async function environmentHealth(deps: ApiDeps, environment: string): Promise<Health> {
  const recent = await listEvents(deps.store, { environment, newestFirst: true, limit: 50 });
  const last = recent.find((e) => healthAfter[e.type] !== undefined);
  return last ? (healthAfter[last.type] ?? "unknown") : "unknown";
}

/** The list fields of one environment, from the store (never from the cloud). */
export async function environmentSummary(
  deps: ApiDeps,
  environment: ApiEnvironment,
): Promise<EnvironmentSummary> {
  const [row, latest, health, point] = await Promise.all([
    getEnvironment(deps.store, environment.name),
    latestInventoryVersion(deps.store, environment.name),
    environmentHealth(deps, environment.name),
    deps.recoveryPoints?.newest(environment.name) ?? null,
  ]);
  return {
    name: environment.name,
    tenant: environment.tenant,
    // A config environment that was never captured has no row yet: it is active.
    status: row?.status ?? "active",
    health,
    lastCaptureAt: latest?.lastSeenAt.toISOString() ?? null,
    newestRecoveryPointAt: point?.at.toISOString() ?? null,
    rpoBudgetMs: environment.rpoBudgetMs,
    captureEveryMs: environment.captureEveryMs,
    latestVersion: latest?.version ?? null,
  };
}

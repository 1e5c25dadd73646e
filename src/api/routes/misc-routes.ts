import { z } from "zod";
import { listRecoveryPoints } from "../../store/recovery-points-repo.js";
import { route } from "../route.js";
import { visibleEnvironment } from "../tenancy.js";
import { envParams } from "./environment-routes.js";

const pointSchema = z.object({
  id: z.string(),
  source: z.string(),
  kind: z.string(),
  method: z.string(),
  at: z.string(),
  createdAt: z.string(),
  snapshotId: z.string(),
  sizeBytes: z.number(),
  changedBytes: z.number(),
  groupId: z.string().nullable(),
});

/** `whoami`, recovery points and repository stats. */
export const miscRoutes = [
  route({
    method: "GET",
    url: "/api/v1/whoami",
    summary: "The caller's tenant, role and token name (the dashboard's login check).",
    role: "viewer",
    response: z.object({ tenant: z.string(), role: z.string(), name: z.string() }),
    handler: async ({ principal }) => ({
      tenant: principal.tenant,
      role: principal.role,
      name: principal.name,
    }),
  }),
  route({
    method: "GET",
    url: "/api/v1/environments/:env/points",
    summary: "Data recovery points of the environment (volumes and databases), newest first.",
    role: "viewer",
    params: envParams,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
    response: z.object({ points: z.array(pointSchema) }),
    handler: async ({ deps, principal, params, query }) => {
      const environment = visibleEnvironment(deps, principal, params.env);
      const points = await listRecoveryPoints(deps.store, environment.name, { limit: query.limit });
      return {
        points: points.map((p) => ({
          id: p.id,
          source: p.source,
          kind: p.kind,
          method: p.method,
          at: p.at.toISOString(),
          createdAt: p.createdAt.toISOString(),
          snapshotId: p.snapshotId,
          sizeBytes: p.sizeBytes,
          changedBytes: p.changedBytes,
          groupId: p.groupId,
        })),
      };
    },
  }),
  route({
    method: "GET",
    url: "/api/v1/repository/stats",
    // Repository-wide totals: sizes and counts only, no names, so any tenant may see them.
    summary: "Sizes and counts of the repository (shared by every tenant).",
    role: "viewer",
    response: z.object({
      snapshots: z.number(),
      logicalBytes: z.number(),
      storedBytes: z.number(),
      packs: z.number(),
      blobs: z.number(),
      spaceRatio: z.number(),
    }),
    handler: async ({ deps }) => ({ ...(await deps.repositoryStats()) }),
  }),
];

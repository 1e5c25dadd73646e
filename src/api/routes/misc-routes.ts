import { z } from "zod";
import { route } from "../route.js";
import { visibleEnvironment } from "../tenancy.js";
import { envParams } from "./environment-routes.js";

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
    summary: "Data recovery points of the environment, newest first.",
    role: "viewer",
    params: envParams,
    response: z.object({ points: z.array(z.record(z.string(), z.unknown())) }),
    handler: async ({ deps, principal, params }) => {
      const environment = visibleEnvironment(deps, principal, params.env);
      // Until data protection lists its points, the newest one is all the store can tell.
      const newest = await deps.recoveryPoints?.newest(environment.name);
      return { points: newest ? [{ ...newest, at: newest.at.toISOString() }] : [] };
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

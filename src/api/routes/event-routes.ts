import { z } from "zod";
import { listEvents } from "../../store/events-repo.js";
import { route } from "../route.js";
import { visibleEnvironment } from "../tenancy.js";
import { envParams } from "./environment-routes.js";

const eventSchema = z.object({
  id: z.number(),
  at: z.string(),
  type: z.string(),
  severity: z.string(),
  runId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

/** `GET /api/v1/environments/:env/events`: the decisions and audit log, newest first. */
export const eventRoutes = [
  route({
    method: "GET",
    url: "/api/v1/environments/:env/events",
    summary: "The environment's decisions and audit events, newest first.",
    role: "viewer",
    params: envParams,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    response: z.object({ events: z.array(eventSchema) }),
    handler: async ({ deps, principal, params, query }) => {
      const environment = visibleEnvironment(deps, principal, params.env);
      const events = await listEvents(deps.store, {
        environment: environment.name,
        newestFirst: true,
        limit: query.limit,
      });
      return {
        events: events.map((e) => ({
          id: e.id,
          at: e.at.toISOString(),
          type: e.type,
          severity: e.severity,
          runId: e.runId,
          data: e.data,
        })),
      };
    },
  }),
];

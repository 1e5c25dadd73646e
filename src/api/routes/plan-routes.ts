import { z } from "zod";
import { route } from "../route.js";
import { visibleEnvironment } from "../tenancy.js";
import { envParams } from "./environment-routes.js";
import { checkRunRequest, runControlOf, runRequestFields } from "./run-action-routes.js";

/** `POST /api/v1/environments/:env/plan`: the dry run (operator; creates nothing). */
export const planRoutes = [
  route({
    method: "POST",
    url: "/api/v1/environments/:env/plan",
    summary: "Dry-run plan of a drill or failover: pre-flight, steps and order; creates nothing.",
    role: "operator",
    params: envParams,
    body: z.strictObject(runRequestFields),
    response: z.object({
      environment: z.string(),
      recoveryPoint: z.object({ version: z.number(), capturedAt: z.string() }),
      summary: z.record(z.string(), z.unknown()),
      plan: z.object({ steps: z.array(z.unknown()) }),
    }),
    handler: async ({ deps, principal, params, body }) => {
      const environment = visibleEnvironment(deps, principal, params.env);
      return await runControlOf(deps).plan(environment.name, checkRunRequest(body));
    },
  }),
];

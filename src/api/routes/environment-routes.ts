import { z } from "zod";
import { listDecisions } from "../../watch/store-decision-sink.js";
import { environmentSummary, environmentSummarySchema } from "../environment-summary.js";
import { route } from "../route.js";
import { visibleEnvironment, visibleEnvironments } from "../tenancy.js";

export const envParams = z.strictObject({ env: z.string().min(1) });

const probeSchema = z.object({
  probeId: z.string(),
  code: z.string(),
  severity: z.string(),
  at: z.string(),
  latencyMs: z.number().nullable(),
  detail: z.string(),
});

const decisionSchema = z.object({
  eventId: z.number(),
  at: z.string(),
  kind: z.string(),
  action: z.string().nullable(),
  incidentId: z.string(),
});

/** `GET /api/v1/environments` and `GET /api/v1/environments/:env`. */
export const environmentRoutes = [
  route({
    method: "GET",
    url: "/api/v1/environments",
    summary: "The environments of the caller's tenant with status, health and freshness.",
    role: "viewer",
    response: z.object({ environments: z.array(environmentSummarySchema) }),
    handler: async ({ deps, principal }) => ({
      environments: await Promise.all(
        visibleEnvironments(deps, principal).map((e) => environmentSummary(deps, e)),
      ),
    }),
  }),
  route({
    method: "GET",
    url: "/api/v1/environments/:env",
    summary: "One environment: the list fields, latest probe results, open incident, decisions.",
    role: "viewer",
    params: envParams,
    response: environmentSummarySchema.extend({
      probes: z.array(probeSchema),
      incident: z.object({ id: z.string(), openedAt: z.string() }).nullable(),
      decisions: z.array(decisionSchema),
    }),
    handler: async ({ deps, principal, params }) => {
      const environment = visibleEnvironment(deps, principal, params.env);
      const summary = await environmentSummary(deps, environment);
      const decisions = (await listDecisions(deps.store, environment.name)).slice(-20);
      const newest = decisions.at(-1)?.decision;
      return {
        ...summary,
        // Probe results as the newest decision recorded them (its evidence).
        probes: (newest?.evidence ?? []).map((r) => ({ ...r, at: r.at.toISOString() })),
        incident:
          newest && newest.kind !== "recovered"
            ? { id: newest.incidentId, openedAt: newest.incidentId.split("@")[1] ?? "" }
            : null,
        decisions: decisions.reverse().map(({ eventId, decision }) => ({
          eventId,
          at: decision.at.toISOString(),
          kind: decision.kind,
          action: decision.action,
          incidentId: decision.incidentId,
        })),
      };
    },
  }),
];

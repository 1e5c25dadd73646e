import { z } from "zod";
import { decideApproval } from "../../execute/decide-approval.js";
import { LifeboatError } from "../../model/errors.js";
import { runSummary, runSummarySchema } from "../run-summary.js";
import type { RunControl } from "../run-control.js";
import { route } from "../route.js";
import { visibleEnvironment, visibleRun } from "../tenancy.js";
import type { ApiDeps } from "../api-deps.js";
import { runParams } from "./run-routes.js";

/**
 * `mode`, `at`, `only`, `approval`: what to recover (shared with the plan route). `approval`
 * (failover only) holds the run at an `approval` step before DNS moves, as `recover --approval`.
 */
export const runRequestFields = {
  mode: z.enum(["drill", "failover"]),
  approval: z.boolean().optional(),
  at: z.iso
    .datetime({ offset: true })
    .transform((text) => new Date(text))
    .optional(),
  only: z.array(z.string().min(1)).min(1).optional(),
};

export function runControlOf(deps: ApiDeps): RunControl {
  if (deps.runs) return deps.runs;
  throw new LifeboatError("LB_USAGE", "this server does not run recoveries", {
    remedy: "Start runs from a server started with `lifeboat serve`, or with `lifeboat recover`.",
  });
}

/** A drill moves no DNS, so there is nothing to approve: asking for it is a mistake, not a no-op. */
export function checkRunRequest<T extends { mode: string; approval?: boolean }>(request: T): T {
  if (request.approval === true && request.mode !== "failover") {
    const problems = [
      "body.approval: only a failover waits for approval; drop it or use mode failover",
    ];
    throw new LifeboatError("LB_API_INVALID_REQUEST", `bad request: ${problems[0]}`, {
      details: { problems },
    });
  }
  return request;
}

const runAnswer = z.object({ run: runSummarySchema });
const idOnly = z.strictObject({});

/** The operator's verbs on one run: resume, cancel, teardown. */
const verbs = [
  ["resume", "Carry a stopped or crashed run on, in the background."],
  ["cancel", "Stop a run: no new step starts; in-flight steps drain."],
  ["teardown", "Delete what a run created, in reverse order, in the background."],
] as const;

/** `POST /api/v1/runs` and the run verbs (resume, cancel, teardown, approve). */
export const runActionRoutes = [
  route({
    method: "POST",
    url: "/api/v1/runs",
    summary: "Start a drill or failover; answers 202 once the run is recorded.",
    role: "operator",
    status: 202,
    body: z.strictObject({ environment: z.string().min(1), ...runRequestFields }),
    response: runAnswer,
    handler: async ({ deps, principal, body }) => {
      const environment = visibleEnvironment(deps, principal, body.environment);
      const { environment: _name, ...request } = body;
      const run = await runControlOf(deps).start(environment.name, checkRunRequest(request));
      return { run: await runSummary(deps.store, run) };
    },
  }),
  ...verbs.map(([verb, summary]) =>
    route({
      method: "POST",
      url: `/api/v1/runs/:id/${verb}`,
      summary,
      role: "operator",
      status: 202,
      params: runParams,
      body: idOnly,
      response: runAnswer,
      handler: async ({ deps, principal, params }) => {
        const run = await visibleRun(deps, principal, params.id);
        const after = await runControlOf(deps)[verb](run.id);
        return { run: await runSummary(deps.store, after) };
      },
    }),
  ),
  route({
    method: "POST",
    url: "/api/v1/runs/:id/approve",
    summary: "Approve or reject a step waiting for a human (the first decision wins).",
    role: "approver",
    params: runParams,
    body: z.strictObject({
      step: z.string().min(1).optional(),
      decision: z.enum(["approve", "reject"]),
      comment: z.string().max(2000).optional(),
    }),
    response: z.object({
      approval: z.object({
        runId: z.string(),
        stepId: z.string(),
        decision: z.string(),
        by: z.string(),
        comment: z.string().nullable(),
        at: z.string(),
      }),
    }),
    handler: async ({ deps, principal, params, body }) => {
      const run = await visibleRun(deps, principal, params.id);
      const approval = await decideApproval(deps.store, {
        runId: run.id,
        ...(body.step === undefined ? {} : { stepId: body.step }),
        decision: body.decision === "approve" ? "approved" : "rejected",
        by: principal.name,
        comment: body.comment ?? null,
      });
      return {
        approval: {
          runId: approval.runId,
          stepId: approval.stepId,
          decision: approval.decision,
          by: approval.by,
          comment: approval.comment,
          at: approval.at.toISOString(),
        },
      };
    },
  }),
];

import { z } from "zod";
import { waitingApprovals } from "../../execute/decide-approval.js";
import { Executor } from "../../execute/executor.js";
import { recoveryReport } from "../../recover/index.js";
import { listRuns } from "../../store/runs-repo.js";
import { listSteps } from "../../store/steps-repo.js";
import { runSummary, runSummarySchema } from "../run-summary.js";
import { route } from "../route.js";
import { visibleEnvironment, visibleEnvironments, visibleRun } from "../tenancy.js";

export const runParams = z.strictObject({ id: z.string().min(1) });

const stepSchema = z.object({
  id: z.string(),
  kind: z.string(),
  phase: z.string(),
  dependsOn: z.array(z.string()),
  attempts: z.number(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.unknown().nullable(),
  waitingForApproval: z.boolean(),
});

/** `GET /api/v1/runs` and `GET /api/v1/runs/:id`. */
export const runRoutes = [
  route({
    method: "GET",
    url: "/api/v1/runs",
    summary: "Runs of the caller's tenant (or of one environment), newest first.",
    role: "viewer",
    query: z.strictObject({
      environment: z.string().min(1).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: z.object({ runs: z.array(runSummarySchema) }),
    handler: async ({ deps, principal, query }) => {
      const environments =
        query.environment === undefined
          ? visibleEnvironments(deps, principal).map((e) => e.name)
          : [visibleEnvironment(deps, principal, query.environment).name];
      const runs = await listRuns(deps.store, { environments, limit: query.limit });
      return { runs: await Promise.all(runs.map((r) => runSummary(deps.store, r))) };
    },
  }),
  route({
    method: "GET",
    url: "/api/v1/runs/:id",
    summary: "A run: summary, steps (with approval waits) and its recovery report.",
    role: "viewer",
    params: runParams,
    response: z.object({
      run: runSummarySchema,
      steps: z.array(stepSchema),
      report: z.record(z.string(), z.unknown()),
    }),
    handler: async ({ deps, principal, params }) => {
      const run = await visibleRun(deps, principal, params.id);
      const [steps, waitingSteps] = await Promise.all([
        listSteps(deps.store, run.id),
        waitingApprovals(deps.store, run.id),
      ]);
      const waiting = new Set(waitingSteps.map((w) => w.stepId));
      // Reports only read the store: an executor without handlers is enough.
      const reader = new Executor({ store: deps.store, handlers: {} });
      const report = await recoveryReport({ store: deps.store, executor: reader }, run.id);
      return {
        run: await runSummary(deps.store, run),
        steps: steps.map((s) => ({
          id: s.stepId,
          kind: s.kind,
          phase: s.phase,
          dependsOn: [...s.dependsOn],
          attempts: s.attempts,
          startedAt: s.startedAt?.toISOString() ?? null,
          finishedAt: s.finishedAt?.toISOString() ?? null,
          error: s.error,
          waitingForApproval: waiting.has(s.stepId),
        })),
        report: JSON.parse(JSON.stringify(report)) as Record<string, unknown>,
      };
    },
  }),
];

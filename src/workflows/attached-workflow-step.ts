import { createHash } from "node:crypto";
import type { StepHandler } from "../execute/step-handler.js";
import type { Clock } from "../model/clock.js";
import { errorCatalogue, isLifeboatError, LifeboatError, type ErrorCode } from "../model/errors.js";
import type { Logger } from "../model/logger.js";
import { workflowStepInputSchema } from "../model/plan/workflow-points.js";
import type { WorkflowConfig } from "../model/workflow.js";
import type { PluginRegistry } from "../plugins/plugin-registry.js";
import { releaseDeadLease } from "../recover/release-dead-lease.js";
import { getRun } from "../store/runs-repo.js";
import type { Store } from "../store/store.js";
import { planWorkflow, type WorkflowPlan } from "./workflow-plan.js";
import { WorkflowRunner } from "./workflow-runner.js";

export interface AttachedWorkflowDeps {
  readonly store: Store;
  /** The config's plug-in registry, built on first use (loading plug-ins is async). */
  registry(): Promise<PluginRegistry>;
  /** The config's workflows by name. */
  readonly workflows: Readonly<Record<string, WorkflowConfig>>;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The handler of `workflow` steps (docs/workflow-semantics.md, "Attached workflows"): runs the
 * workflow the step names as a child run (mode `workflow`, parent the recovery run) through the
 * {@link WorkflowRunner}, so its steps are journaled and its undo pairs keep their guarantee.
 *
 * - The child run's id derives from the step's idempotency key: a retried or resumed step
 *   finds the child it made and resumes it (open pairs undone first, then on from there)
 *   instead of starting another; a child lease left by a killed process of this host is
 *   freed first. A child that failed or was cancelled is not resumed: the next attempt runs
 *   the workflow again from its start as a new child run (its pairs were undone).
 * - Machine targets whose `instanceId` is a source machine rebuilt by the plan act on the
 *   recovered machine (the step's `machines` input, bound by the executor).
 * - A failed workflow fails the step with the workflow's error code, never retried here;
 *   a cancelled one is `LB_CANCELLED`. Nothing to undo at teardown: the workflow's own
 *   undo halves already ran.
 */
export function attachedWorkflowStep(deps: AttachedWorkflowDeps): StepHandler {
  return {
    async execute(step, ctx) {
      const input = workflowStepInputSchema.safeParse(ctx.input);
      if (!input.success) {
        throw new LifeboatError("LB_INVALID_INPUT", `workflow step ${step.id}: bad input`, {
          details: { stepId: step.id, issues: input.error.issues.map((i) => i.message) },
        });
      }
      const { workflow, machines, point } = input.data;
      const registry = await deps.registry();
      const runner = new WorkflowRunner({
        store: deps.store,
        registry,
        ...(deps.clock ? { clock: deps.clock } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
        ...(deps.env ? { env: deps.env } : {}),
      });
      const { childId, exists } = await currentRound(deps.store, ctx.idempotencyKey);
      if (!exists) {
        const config = Object.hasOwn(deps.workflows, workflow)
          ? deps.workflows[workflow]
          : undefined;
        if (!config) {
          throw new LifeboatError("LB_WORKFLOW_NOT_FOUND", `no workflow "${workflow}"`, {
            details: { workflow, known: Object.keys(deps.workflows) },
            retryable: false,
          });
        }
        const plan = onRecovered(planWorkflow(workflow, config, registry), machines);
        await runner.createRun(plan, ctx.environment, childId, ctx.runId);
        await ctx.journal({ type: "workflow.created", data: { workflowRun: childId, point } });
        ctx.logger.log("info", "execute.workflow.created", { workflowRun: childId, workflow });
      }
      // After a kill -9 the child's lease names a dead process: take over at once.
      await releaseDeadLease(deps.store, childId);
      const report = await runner.execute(childId, ctx.signal).catch((error: unknown) => {
        if (!isLifeboatError(error, "LB_RUN_LOCKED")) throw error;
        // Not the recovery run's own lease: failing the step keeps the run resumable.
        throw new LifeboatError("LB_RUN_ACTIVE", `workflow run ${childId} is held elsewhere`, {
          cause: error,
          details: { workflowRun: childId },
          remedy: "Another process executes the attached workflow; resume once it ended.",
        });
      });
      const outputs = { workflow, point, workflowRun: childId, phase: report.phase };
      if (report.phase === "succeeded") return { outputs };
      if (report.phase === "cancelled" || ctx.signal.aborted) {
        throw new LifeboatError("LB_CANCELLED", `workflow ${workflow} was cancelled`, {
          details: outputs,
        });
      }
      const code = report.error?.code ?? "LB_ACTION_FAILED";
      throw new LifeboatError(
        isErrorCode(code) ? code : "LB_ACTION_FAILED",
        `workflow ${workflow} (${point}) failed: ${report.error?.message ?? report.phase}`,
        {
          details: { ...outputs, code },
          retryable: false,
          remedy:
            `\`lifeboat run ${childId}\` shows the workflow's steps and errors; fix the cause, ` +
            "then `lifeboat resume` the recovery run (the workflow carries on) or " +
            "`lifeboat teardown` it.",
        },
      );
    },
  };
}

/**
 * The child run this attempt works on. Round n's id derives from the step's key and n, so a
 * retry or resume finds it. A round that ended `failed` or `cancelled` already undid its pairs:
 * the next attempt starts round n+1 from the workflow's first step (the consistency window is
 * rebuilt as a whole); a round a crash left `running` is resumed.
 */
async function currentRound(
  store: Store,
  key: string,
): Promise<{ childId: string; exists: boolean }> {
  for (let round = 1; ; round++) {
    const childId = childRunId(key, round);
    const run = await getRun(store, childId);
    if (!run) return { childId, exists: false };
    if (run.phase !== "failed" && run.phase !== "cancelled") return { childId, exists: true };
  }
}

/** A UUID-shaped id derived from the step's key and the round: the same on every attempt. */
export function childRunId(idempotencyKey: string, round: number): string {
  const hex = createHash("sha256").update(`workflow/${idempotencyKey}/${round}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Machine targets naming a rebuilt source machine point at its recovered copy instead. */
function onRecovered(plan: WorkflowPlan, machines: Readonly<Record<string, string>>): WorkflowPlan {
  return {
    ...plan,
    steps: plan.steps.map((step) => ({
      ...step,
      targets: step.targets.map((t) =>
        t.kind === "machine" && t.instanceId !== undefined && machines[t.instanceId] !== undefined
          ? { ...t, instanceId: machines[t.instanceId] }
          : t,
      ),
    })),
  };
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(errorCatalogue, code);
}

import type { JsonObject } from "../store/codec.js";
import { requireRun } from "../store/runs-repo.js";
import { listStepEvents } from "../store/step-events-repo.js";
import { listSteps } from "../store/steps-repo.js";
import type { StoreSession } from "../store/store.js";
import type { StoredError } from "../store/stored-error.js";
import { workflowPlanSchema } from "./workflow-plan.js";

/** A workflow step as reported (docs/cli-json.md, `workflow run`). */
export interface WorkflowStepReport {
  readonly id: string;
  readonly action: string;
  readonly plugin: string;
  readonly phase: string;
  readonly attempts: number;
  readonly undoOf: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly outputs: JsonObject | null;
  readonly error: StoredError | null;
}

/** A workflow run as reported; `undoneOutOfOrder` lists undo halves run by failure or resume. */
export interface WorkflowReport {
  readonly runId: string;
  readonly workflow: string;
  readonly environment: string;
  readonly phase: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: StoredError | null;
  readonly steps: readonly WorkflowStepReport[];
  /** In the order they ran: `{ step, role }` with role `undo` (failure/cancel) or `resume-undo`. */
  readonly undoneOutOfOrder: readonly { readonly step: string; readonly role: string }[];
}

/** The report of workflow run `runId`, from the store (also while it is in progress). */
export async function workflowReport(s: StoreSession, runId: string): Promise<WorkflowReport> {
  const run = await requireRun(s, runId);
  const plan = workflowPlanSchema.parse(run.plan);
  const records = new Map((await listSteps(s, runId)).map((r) => [r.stepId, r]));
  const events = await listStepEvents(s, runId);
  return {
    runId,
    workflow: plan.workflow,
    environment: run.environment,
    phase: run.phase,
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    error: run.error,
    steps: plan.steps.map((step) => {
      const r = records.get(step.id);
      const started = r?.startedAt ?? null;
      const finished = r?.finishedAt ?? null;
      return {
        id: step.id,
        action: step.action,
        plugin: step.plugin,
        phase: r?.phase ?? "pending",
        attempts: r?.attempts ?? 0,
        undoOf: step.undoOf,
        startedAt: started?.toISOString() ?? null,
        finishedAt: finished?.toISOString() ?? null,
        durationMs: started && finished ? finished.getTime() - started.getTime() : null,
        outputs: r?.outputs ?? null,
        error: r?.error ?? null,
      };
    }),
    undoneOutOfOrder: events
      .filter((e) => e.type === "step.started" && e.stepId !== null)
      .filter((e) => e.data.role === "undo" || e.data.role === "resume-undo")
      .map((e) => ({ step: e.stepId ?? "", role: String(e.data.role) })),
  };
}

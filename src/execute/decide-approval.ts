import { LifeboatError } from "../model/errors.js";
import {
  listApprovals,
  recordApproval,
  type ApprovalDecision,
  type ApprovalRecord,
} from "../store/approvals-repo.js";
import { listRuns, requireRun, type RunRecord } from "../store/runs-repo.js";
import { listStepEvents } from "../store/step-events-repo.js";
import { getStep, listSteps } from "../store/steps-repo.js";
import type { StoreSession } from "../store/store.js";
import { approvalWaitingEvent } from "./approval-gate.js";

/** A step that waits for a human decision now. */
export interface WaitingApproval {
  /**
   * The run the step belongs to: the run asked about, or a workflow run attached to one of
   * its points (docs/workflow-semantics.md, "Attached workflows").
   */
  readonly runId: string;
  readonly stepId: string;
  /** When it started waiting and until when it waits (from its `approval.waiting` entry). */
  readonly since: Date;
  readonly deadline: string | null;
  readonly message: string | null;
}

/**
 * The run's steps that wait for approval now: `running`, journaled `approval.waiting`, and not
 * decided yet, in step order of the journal; then those of the workflow runs attached to it.
 */
export async function waitingApprovals(s: StoreSession, runId: string): Promise<WaitingApproval[]> {
  const own = await waitingIn(s, runId);
  const run = await requireRun(s, runId);
  for (const child of await attachedWorkflowRuns(s, run))
    own.push(...(await waitingIn(s, child.id)));
  return own;
}

/** Workflow runs a recovery run started at its points (children of mode `workflow`). */
export async function attachedWorkflowRuns(s: StoreSession, run: RunRecord): Promise<RunRecord[]> {
  if (run.mode === "workflow") return [];
  const runs = await listRuns(s, { environment: run.environment });
  return runs.filter((r) => r.mode === "workflow" && r.parentRunId === run.id).reverse();
}

async function waitingIn(s: StoreSession, runId: string): Promise<WaitingApproval[]> {
  const running = new Set(
    (await listSteps(s, runId)).filter((x) => x.phase === "running").map((x) => x.stepId),
  );
  const decided = new Set((await listApprovals(s, runId)).map((a) => a.stepId));
  const waiting = new Map<string, WaitingApproval>();
  for (const event of await listStepEvents(s, runId)) {
    if (event.type !== approvalWaitingEvent || event.stepId === null) continue;
    if (!running.has(event.stepId) || decided.has(event.stepId)) continue;
    waiting.set(event.stepId, {
      runId,
      stepId: event.stepId,
      since: event.at,
      deadline: typeof event.data.deadline === "string" ? event.data.deadline : null,
      message: typeof event.data.message === "string" ? event.data.message : null,
    });
  }
  return [...waiting.values()];
}

export interface ApprovalRequest {
  readonly runId: string;
  /** The step to decide; without it, the one step of the run waiting now. */
  readonly stepId?: string;
  readonly decision: ApprovalDecision;
  readonly by: string;
  readonly comment?: string | null;
}

/**
 * Decides an approval (`lifeboat approve`, the API's approve route). Unknown run →
 * `LB_RUN_NOT_FOUND`; unknown step → `LB_STEP_NOT_FOUND`; a named step that has ended (or
 * without `stepId`, no step waiting) → `LB_APPROVAL_NOT_WAITING`; without `stepId` and several
 * waiting → `LB_APPROVAL_AMBIGUOUS`. A step not started yet may be decided ahead. The first
 * decision wins (`recordApproval`). A step of a workflow attached to the run (an `approval`
 * step of a `before-dns` workflow, say) is decided in that workflow's run.
 */
export async function decideApproval(
  s: StoreSession,
  request: ApprovalRequest,
): Promise<ApprovalRecord> {
  const run = await requireRun(s, request.runId);
  const chosen = request.stepId
    ? await owningRun(s, run, request.stepId)
    : await theWaitingStep(s, request.runId);
  const { stepId, runId } = chosen;
  const step = await getStep(s, runId, stepId);
  if (!step) {
    throw new LifeboatError("LB_STEP_NOT_FOUND", `run ${request.runId} has no step ${stepId}`, {
      details: { runId: request.runId, stepId },
    });
  }
  if (step.phase !== "pending" && step.phase !== "running") {
    throw new LifeboatError(
      "LB_APPROVAL_NOT_WAITING",
      `step ${stepId} of run ${runId} is ${step.phase}; there is nothing to decide`,
      { details: { runId, stepId, phase: step.phase } },
    );
  }
  return await recordApproval(s, {
    runId,
    stepId,
    decision: request.decision,
    by: request.by,
    comment: request.comment ?? null,
  });
}

/**
 * The run holding step `stepId`: `run` itself when it has such a step, else the attached
 * workflow run whose step it is (a running one first). Neither → `run`, which reports it.
 */
async function owningRun(
  s: StoreSession,
  run: RunRecord,
  stepId: string,
): Promise<{ runId: string; stepId: string }> {
  if (await getStep(s, run.id, stepId)) return { runId: run.id, stepId };
  let found: { runId: string; stepId: string } | undefined;
  for (const child of await attachedWorkflowRuns(s, run)) {
    const step = await getStep(s, child.id, stepId);
    if (step?.phase === "running") return { runId: child.id, stepId };
    if (step && !found) found = { runId: child.id, stepId };
  }
  return found ?? { runId: run.id, stepId };
}

async function theWaitingStep(
  s: StoreSession,
  runId: string,
): Promise<{ runId: string; stepId: string }> {
  const waiting = await waitingApprovals(s, runId);
  if (waiting.length === 1) return { runId: waiting[0]!.runId, stepId: waiting[0]!.stepId };
  if (waiting.length === 0) {
    throw new LifeboatError(
      "LB_APPROVAL_NOT_WAITING",
      `no step of run ${runId} waits for approval`,
      {
        details: { runId },
      },
    );
  }
  throw new LifeboatError(
    "LB_APPROVAL_AMBIGUOUS",
    `${waiting.length} steps of run ${runId} wait for approval: ${waiting.map((w) => w.stepId).join(", ")}`,
    { details: { runId, steps: waiting.map((w) => w.stepId) } },
  );
}

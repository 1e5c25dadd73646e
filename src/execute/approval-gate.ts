import type { Clock } from "../model/clock.js";
import { LifeboatError } from "../model/errors.js";
import { findApproval, type ApprovalRecord } from "../store/approvals-repo.js";
import { appendStepEvent } from "../store/step-events-repo.js";
import type { StoreSession } from "../store/store.js";

/** Journal entry type written when a step starts waiting; `lifeboat approve` looks for it. */
export const approvalWaitingEvent = "approval.waiting";

export interface ApprovalWait {
  readonly runId: string;
  readonly stepId: string;
  /** How long to wait for a decision, on `clock`, from this call. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly clock: Clock;
  /** How often the store is asked for a decision; default 1 s. */
  readonly pollMs?: number;
  /** One line for the approver: what happens once approved (shown by `run` and the API). */
  readonly message?: string;
}

/**
 * Waits until a human decides on step `stepId` of run `runId` (`lifeboat approve`, the API's
 * `POST /runs/:id/approve`), polling the approvals table.
 *
 * - A decision recorded before the call settles it at once (approving ahead is allowed).
 * - Otherwise it journals `approval.waiting` (with the deadline) on the run, then polls.
 * - Approved → resolves with the record. Rejected → `LB_APPROVAL_REJECTED`. No decision within
 *   `timeoutMs` → `LB_APPROVAL_TIMEOUT`. `signal` aborts → `LB_CANCELLED`. None is retryable:
 *   a rejection stays a rejection on resume (first decision wins), while a timed-out wait asks
 *   again when the run is resumed — each call starts a new waiting period, so a crash never
 *   turns into an approval.
 */
export async function waitForApproval(
  store: StoreSession,
  wait: ApprovalWait,
): Promise<ApprovalRecord> {
  if (wait.signal?.aborted) throw new LifeboatError("LB_CANCELLED", "approval wait cancelled");
  const early = await findApproval(store, wait.runId, wait.stepId);
  if (early) return settle(early);
  const deadline = wait.clock.now().getTime() + wait.timeoutMs;
  await appendStepEvent(store, {
    runId: wait.runId,
    stepId: wait.stepId,
    type: approvalWaitingEvent,
    data: {
      stepId: wait.stepId,
      timeoutMs: wait.timeoutMs,
      deadline: new Date(deadline).toISOString(),
      ...(wait.message === undefined ? {} : { message: wait.message }),
    },
  });
  const pollMs = Math.max(1, wait.pollMs ?? 1000);
  for (;;) {
    const remaining = deadline - wait.clock.now().getTime();
    if (remaining <= 0) {
      throw new LifeboatError(
        "LB_APPROVAL_TIMEOUT",
        `nobody approved step ${wait.stepId} of run ${wait.runId} within ${wait.timeoutMs} ms`,
        { details: { runId: wait.runId, stepId: wait.stepId, timeoutMs: wait.timeoutMs } },
      );
    }
    await wait.clock.sleep(Math.min(pollMs, remaining), wait.signal);
    const decided = await findApproval(store, wait.runId, wait.stepId);
    if (decided) return settle(decided);
  }
}

function settle(record: ApprovalRecord): ApprovalRecord {
  if (record.decision === "approved") return record;
  throw new LifeboatError(
    "LB_APPROVAL_REJECTED",
    `${record.by} rejected step ${record.stepId} of run ${record.runId}` +
      (record.comment ? `: ${record.comment}` : ""),
    {
      details: {
        runId: record.runId,
        stepId: record.stepId,
        by: record.by,
        comment: record.comment,
      },
    },
  );
}

import { z } from "zod";
import { LifeboatError } from "../model/errors.js";
import type { StoreSession } from "../store/store.js";
import { waitForApproval } from "./approval-gate.js";
import type { StepHandler } from "./step-handler.js";

/** Step kind of a human approval in a run's DAG. */
export const approvalStepKind = "approval";

/** Input of an `approval` step. */
export const approvalStepInputSchema = z.strictObject({
  /** How long to wait for a decision; the step fails with `LB_APPROVAL_TIMEOUT` after it. */
  timeoutSeconds: z.number().int().positive(),
  /** What approving lets happen, for the approver. */
  message: z.string().optional(),
});
export type ApprovalStepInput = z.infer<typeof approvalStepInputSchema>;

/**
 * The handler of `approval` steps: the step stays `running` until someone decides
 * ({@link waitForApproval}); its dependents (a DNS move, say) start only once it is approved.
 * Nothing to undo. Idempotent: a resumed step finds the recorded decision.
 */
export function approvalStepHandler(
  store: StoreSession,
  options: { readonly pollMs?: number } = {},
): StepHandler {
  return {
    async execute(step, ctx) {
      const parsed = approvalStepInputSchema.safeParse(ctx.input);
      if (!parsed.success) {
        throw new LifeboatError("LB_INVALID_INPUT", `approval step ${step.id}: bad input`, {
          details: { stepId: step.id, issues: parsed.error.issues.map((i) => i.message) },
        });
      }
      const record = await waitForApproval(store, {
        runId: ctx.runId,
        stepId: step.id,
        timeoutMs: parsed.data.timeoutSeconds * 1000,
        signal: ctx.signal,
        clock: ctx.clock,
        ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
        ...(parsed.data.message === undefined ? {} : { message: parsed.data.message }),
      });
      return {
        outputs: {
          decision: record.decision,
          by: record.by,
          comment: record.comment,
          at: record.at.toISOString(),
        },
      };
    },
  };
}

import { z } from "zod";
import { parseDuration } from "../../model/duration.js";
import type { LocalTarget, WorkflowTarget } from "../../model/workflow-target.js";
import { definePlugin, PLUGIN_API_VERSION, type PluginContext } from "../plugin-api.js";

/** A human decision, as the approvals store recorded it. */
export interface ApprovalDecision {
  readonly by: string;
  readonly at: Date;
  readonly comment: string | null;
}

/**
 * Waits for `lifeboat approve <run> --step <id>` (or the API) on a workflow step: the same
 * approvals records and gate as failover approvals (src/execute/approval-gate.ts). Rejected →
 * `LB_APPROVAL_REJECTED`; no decision within `timeoutMs` → `LB_APPROVAL_TIMEOUT`; `signal`
 * aborted → `LB_CANCELLED`.
 */
export interface ApprovalPort {
  wait(request: {
    readonly runId: string;
    readonly stepId: string;
    readonly timeoutMs: number;
    readonly signal: AbortSignal;
    readonly message?: string;
  }): Promise<ApprovalDecision>;
}

const duration = z.string().refine((text) => (parseDuration(text) ?? 0) > 0, "is not a duration");

const params = z.strictObject({
  /** How long to wait for a decision. */
  timeout: duration.default("1h"),
  /** One line for the approver. */
  message: z.string().optional(),
  /** A webhook POSTed `{runId, stepId, message, waitingSinceMs}` every `every` while waiting. */
  remind: z.strictObject({ url: z.url({ protocol: /^https?$/ }), every: duration }).optional(),
});
type Params = z.infer<typeof params>;

/** `approval`: a human step; outputs who decided, when, and their comment. */
export function approvalPlugin(port: ApprovalPort) {
  return definePlugin<Params, LocalTarget>({
    name: "lifeboat.action.approval",
    apiVersion: PLUGIN_API_VERSION,
    action: "approval",
    description: "Wait for a person to approve (lifeboat approve <run> --step <id>)",
    configSchema: params,
    appliesTo: (t: WorkflowTarget): t is LocalTarget => t.kind === "local",
    async execute(ctx) {
      const stopReminders = new AbortController();
      const reminders = remind(ctx, stopReminders.signal);
      try {
        const decision = await port.wait({
          runId: ctx.runId,
          stepId: ctx.stepId,
          timeoutMs: parseDuration(ctx.params.timeout) ?? 3_600_000,
          signal: ctx.signal,
          ...(ctx.params.message === undefined ? {} : { message: ctx.params.message }),
        });
        return {
          approvedBy: decision.by,
          approvedAt: decision.at.toISOString(),
          comment: decision.comment,
        };
      } finally {
        stopReminders.abort();
        await reminders;
      }
    },
  });
}

/** Posts reminders until `stop` aborts; a failed POST is journaled, never fatal. */
async function remind(ctx: PluginContext<Params>, stop: AbortSignal): Promise<void> {
  const hook = ctx.params.remind;
  if (!hook) return;
  const everyMs = parseDuration(hook.every) ?? 3_600_000;
  const started = ctx.clock.now().getTime();
  for (;;) {
    try {
      await ctx.clock.sleep(everyMs, stop);
    } catch {
      return; // stopped
    }
    const body = JSON.stringify({
      runId: ctx.runId,
      stepId: ctx.stepId,
      message: ctx.params.message ?? null,
      waitingSinceMs: ctx.clock.now().getTime() - started,
    });
    try {
      const response = await fetch(hook.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: stop,
      });
      await response.body?.cancel();
      await ctx.journal("approval.reminded", { status: response.status });
    } catch (error) {
      if (stop.aborted) return;
      await ctx.journal("approval.reminder-failed", { message: String(error) });
    }
  }
}

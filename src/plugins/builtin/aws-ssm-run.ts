import { z } from "zod";
import { parseDuration } from "../../model/duration.js";
import { LifeboatError } from "../../model/errors.js";
import type { MachineTarget, WorkflowTarget } from "../../model/workflow-target.js";
import { definePlugin, PLUGIN_API_VERSION, type PluginContext } from "../plugin-api.js";
import type { CommandInvocation, RemoteShellPort } from "../remote-shell-port.js";

const duration = z.string().refine((text) => (parseDuration(text) ?? 0) > 0, "is not a duration");

const params = z.strictObject({
  /** Shell lines for AWS-RunShellScript: one string, or a list run in order. */
  commands: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** A key of `providers` in the config; default the environment's `source` connection. */
  connection: z.string().min(1).optional(),
  workingDirectory: z.string().min(1).optional(),
  /** How long the agent lets the script run before it stops it (`TimedOut`). */
  executionTimeout: duration.default("1h"),
  /** Pause between status polls. */
  every: duration.default("2s"),
});
type Params = z.infer<typeof params>;

type SsmMachine = MachineTarget & { readonly instanceId: string };

/** What an SSM status means for the step. */
export type InvocationOutcome = "waiting" | "succeeded" | "failed";

/**
 * SSM's invocation statuses: `Pending`, `InProgress`, `Delayed` and `Cancelling` are still
 * moving; `Success` is the only success; `Failed`, `TimedOut`, `Cancelled`, `Undeliverable`,
 * `Terminated` and anything unknown fail the step.
 */
export function invocationOutcome(status: string): InvocationOutcome {
  if (["Pending", "InProgress", "Delayed", "Cancelling"].includes(status)) return "waiting";
  return status === "Success" ? "succeeded" : "failed";
}

/** Commands in flight per step, for `cancel`. */
const sent = new Map<string, string>();

/**
 * `aws-ssm-run`: runs a shell script on the target machines (`instanceId`) with SSM Run
 * Command (`AWS-RunShellScript`), then polls each machine's invocation until it is done. Every
 * machine must end `Success`; otherwise `LB_REMOTE_COMMAND_FAILED` names the machine, its
 * status, exit code and output. Idempotent under the step key: the command carries it as its
 * comment, and a resumed step adopts the command its first attempt sent.
 */
export function awsSsmRunPlugin(port: RemoteShellPort) {
  return definePlugin<Params, SsmMachine>({
    name: "lifeboat.action.aws-ssm-run",
    apiVersion: PLUGIN_API_VERSION,
    action: "aws-ssm-run",
    description: "Run a shell script on EC2 instances with SSM Run Command",
    configSchema: params,
    appliesTo: (t: WorkflowTarget): t is SsmMachine =>
      t.kind === "machine" && t.instanceId !== undefined,
    async execute(ctx) {
      try {
        return await run(port, ctx);
      } finally {
        sent.delete(ctx.idempotencyKey);
      }
    },
    async cancel(ctx) {
      const commandId = sent.get(ctx.idempotencyKey);
      if (commandId === undefined) return;
      const signal = AbortSignal.timeout(10_000);
      await port.cancel({ ...ref(ctx, signal), commandId });
    },
  });
}

function ref(ctx: PluginContext<Params>, signal: AbortSignal) {
  return { connection: ctx.params.connection, environment: ctx.environment, signal };
}

async function run(
  port: RemoteShellPort,
  ctx: PluginContext<Params, SsmMachine>,
): Promise<Record<string, unknown>> {
  const instanceIds = [...new Set(ctx.targets.map((t) => t.instanceId))];
  const comment = `lifeboat ${ctx.idempotencyKey}`.slice(0, 100);
  const at = ref(ctx, ctx.signal);
  const first = instanceIds[0] ?? "";
  let commandId = await port.find({ ...at, instanceId: first, comment });
  const adopted = commandId !== null;
  if (commandId === null) {
    const { commands, workingDirectory, executionTimeout } = ctx.params;
    commandId = await port.send({
      ...at,
      instanceIds,
      commands: typeof commands === "string" ? [commands] : commands,
      comment,
      workingDirectory,
      executionTimeoutSeconds: Math.ceil((parseDuration(executionTimeout) ?? 3_600_000) / 1000),
    });
  }
  sent.set(ctx.idempotencyKey, commandId);
  await ctx.journal("ssm.sent", { commandId, instanceIds, adopted });
  const pending = new Set(instanceIds);
  const done = new Map<string, CommandInvocation>();
  const everyMs = parseDuration(ctx.params.every) ?? 2_000;
  for (;;) {
    for (const instanceId of pending) {
      const invocation = await port.invocation({ ...at, commandId, instanceId });
      if (invocation && invocationOutcome(invocation.status) !== "waiting") {
        done.set(instanceId, invocation);
        pending.delete(instanceId);
      }
    }
    if (pending.size === 0) break;
    await ctx.clock.sleep(everyMs, ctx.signal);
  }
  const results = instanceIds.map((id) => done.get(id)).filter((i) => i !== undefined);
  const failed = results.filter((i) => invocationOutcome(i.status) === "failed");
  if (failed.length > 0) {
    const worst = failed[0];
    throw new LifeboatError(
      "LB_REMOTE_COMMAND_FAILED",
      `SSM command ${commandId}: ${failed.map((i) => `${i.instanceId} ${i.status}${i.exitCode === null ? "" : ` (exit ${i.exitCode})`}`).join(", ")}${worst?.stderr ? `: ${worst.stderr.trim().slice(-500)}` : ""}`,
      { details: { commandId, failed: failed.map((i) => ({ ...i })) } },
    );
  }
  return { commandId, adopted, results: results.map((i) => ({ ...i })) };
}

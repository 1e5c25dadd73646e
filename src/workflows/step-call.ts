import type { Clock } from "../model/clock.js";
import { LifeboatError, asLifeboatError, isLifeboatError } from "../model/errors.js";
import type { Logger } from "../model/logger.js";
import { withDeadline } from "../execute/deadline.js";
import type { AnyPlugin, PairedStep, PluginContext, PluginOutputs } from "../plugins/plugin-api.js";
import type { PlannedStep } from "./workflow-plan.js";

/** What the runner supplies to build a plug-in context for one call. */
export interface CallEnvironment {
  readonly runId: string;
  readonly environment: string;
  readonly clock: Clock;
  readonly logger: Logger;
  env(name: string): string | undefined;
  journal(stepId: string, type: string, data?: PluginOutputs): Promise<void>;
  /** A progress line for the step (from the plug-in's `progress`), shown by the CLI. */
  onProgress?(stepId: string, line: string): void;
}

/** How often a plug-in's `progress` is polled while `execute` runs. */
const progressEveryMs = 2_000;

export function pluginContext(
  step: PlannedStep,
  plugin: AnyPlugin,
  call: CallEnvironment,
  signal: AbortSignal,
  pair: PairedStep | null,
): PluginContext {
  const params = plugin.configSchema.safeParse(step.params);
  return {
    runId: call.runId,
    stepId: step.id,
    environment: call.environment,
    idempotencyKey: `${call.runId}/${step.id}`,
    params: params.success ? params.data : step.params,
    targets: step.targets,
    pair,
    signal,
    logger: call.logger,
    clock: call.clock,
    env: (name) => call.env(name),
    journal: (type, data) => call.journal(step.id, `plugin.${type}`, data),
  };
}

/**
 * Calls the plug-in's `execute` for `step` under its timeout. A timeout is
 * `LB_WORKFLOW_STEP_TIMEOUT`; on timeout or cancel the plug-in's `cancel` hook is called once.
 * Anything thrown that is not a `LifeboatError` becomes `LB_INTERNAL`.
 */
export async function callStep(
  step: PlannedStep,
  plugin: AnyPlugin,
  call: CallEnvironment,
  signal: AbortSignal,
  pair: PairedStep | null,
): Promise<PluginOutputs> {
  let ctx: PluginContext | undefined;
  let poll: NodeJS.Timeout | undefined;
  const work = async (local: AbortSignal) => {
    ctx = pluginContext(step, plugin, call, local, pair);
    if (plugin.progress && call.onProgress) {
      const c = ctx;
      poll = setInterval(() => {
        const line = safeProgress(plugin, c);
        if (line) call.onProgress?.(step.id, line);
      }, progressEveryMs);
    }
    return (await plugin.execute(ctx)) ?? {};
  };
  try {
    const outputs =
      step.timeoutMs === null
        ? await work(signal)
        : await withDeadline(work, step.timeoutMs, signal, call.clock, `step ${step.id}`);
    return JSON.parse(JSON.stringify(outputs)) as PluginOutputs;
  } catch (error) {
    const timedOut = isLifeboatError(error, "LB_TIMEOUT") && !signal.aborted;
    if ((timedOut || signal.aborted) && plugin.cancel && ctx) {
      await plugin.cancel(ctx).catch(() => undefined);
    }
    if (timedOut) {
      throw new LifeboatError(
        "LB_WORKFLOW_STEP_TIMEOUT",
        `step ${step.id} (${step.action}) did not finish within ${step.timeoutMs} ms`,
        { cause: error, details: { step: step.id, timeoutMs: step.timeoutMs } },
      );
    }
    if (signal.aborted && !isLifeboatError(error)) {
      throw new LifeboatError("LB_CANCELLED", `step ${step.id} was cancelled`, { cause: error });
    }
    throw asLifeboatError(error);
  } finally {
    clearInterval(poll);
  }
}

function safeProgress(plugin: AnyPlugin, ctx: PluginContext): string | undefined {
  try {
    return plugin.progress?.(ctx);
  } catch {
    return undefined; // a broken progress hook never fails the step
  }
}

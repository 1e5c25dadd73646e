import type { Clock } from "../model/clock.js";
import { BugError, LifeboatError } from "../model/errors.js";
import type { Logger } from "../model/logger.js";
import type { RunRecord } from "../store/runs-repo.js";
import type { StepRecord } from "../store/steps-repo.js";
import { bindReferences } from "./bind-references.js";
import type { ExecutableStep, ExecutionPlan } from "./execution-plan.js";
import type { StepWork } from "./run-step.js";
import type { StepHandler, StepHandlers } from "./step-handler.js";
import { undoPrefix } from "./teardown-plan.js";

interface WorkDeps {
  readonly run: RunRecord;
  readonly handlers: StepHandlers;
  readonly clock: Clock;
  readonly logger: Logger;
}

export function handlerFor(handlers: StepHandlers, kind: string): StepHandler {
  const handler = Object.hasOwn(handlers, kind) ? handlers[kind] : undefined;
  if (!handler) {
    throw new LifeboatError("LB_PROVIDER_UNSUPPORTED", `no step handler for kind ${kind}`, {
      details: { kind },
    });
  }
  return handler;
}

/** Calls the handler's `execute` with the step's references bound to its dependencies' ids. */
export function executeWork(deps: WorkDeps & { readonly plan: ExecutionPlan }): StepWork {
  return async (state, ctx) => {
    const handler = handlerFor(deps.handlers, state.step.kind);
    const input = bindReferences(state.step.input, deps.plan.bindings ?? {}, ctx.dependencyOutputs);
    return await handler.execute(state.step, {
      runId: deps.run.id,
      environment: deps.run.environment,
      idempotencyKey: state.record.idempotencyKey,
      input,
      dependencyOutputs: ctx.dependencyOutputs,
      attempt: ctx.attempt,
      signal: ctx.signal,
      logger: deps.logger,
      clock: deps.clock,
      journal: ctx.journal,
    });
  };
}

/**
 * Calls `undo` for the torn-down run's step: with that run's id and that step's key (what the
 * resources were tagged with), and its outputs when it finished.
 */
export function undoWork(
  deps: WorkDeps & {
    readonly parent: RunRecord;
    readonly parentSteps: ReadonlyMap<string, ExecutableStep>;
    readonly parentRecords: ReadonlyMap<string, StepRecord>;
  },
): StepWork {
  return async (state, ctx) => {
    const originalId = state.id.slice(undoPrefix.length);
    const step = deps.parentSteps.get(originalId);
    const record = deps.parentRecords.get(originalId);
    if (!step || !record) throw new BugError(`teardown step ${state.id} has no original step`);
    const handler = handlerFor(deps.handlers, step.kind);
    if (!handler.undo) throw new BugError(`teardown step ${state.id} has a kind without undo`);
    const result = await handler.undo(step, record.outputs, {
      runId: deps.parent.id,
      environment: deps.parent.environment,
      idempotencyKey: record.idempotencyKey,
      attempt: ctx.attempt,
      signal: ctx.signal,
      logger: deps.logger,
      clock: deps.clock,
      journal: ctx.journal,
    });
    return { outputs: { undo: result }, resolution: result };
  };
}

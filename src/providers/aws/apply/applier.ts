import type {
  StepContext,
  StepResult,
  UndoContext,
  UndoResult,
} from "../../../execute/step-handler.js";
import type { ExecutableStep } from "../../../execute/execution-plan.js";
import type { JsonObject } from "../../../store/codec.js";
import type { ApplyEnv } from "./apply-env.js";

/**
 * What one (step kind, resource kind) pair does in AWS. `execute` is find-or-create: it looks
 * for what an earlier attempt of this run made (tags `lifeboat:run` + `lifeboat:source-id`, a
 * name derived from the run, or a client token) before creating anything. `undo` deletes only
 * what carries this run's tags and answers `absent` when there is nothing left.
 */
export interface Applier {
  execute(step: ExecutableStep, ctx: StepContext, env: ApplyEnv): Promise<StepResult>;
  undo?(
    step: ExecutableStep,
    outputs: JsonObject | null,
    ctx: UndoContext,
    env: ApplyEnv,
  ): Promise<UndoResult>;
}

/** Appliers by `<step kind>:<resource kind>` (`create:subnet`, `wait:machine`). */
export type ApplierTable = Readonly<Record<string, Applier>>;

export const created = (outputs: JsonObject): StepResult => ({ outputs, resolution: "created" });
export const adopted = (outputs: JsonObject): StepResult => ({ outputs, resolution: "adopted" });

/** The step's resource logical id (planner steps always have one). */
export function resourceOf(step: ExecutableStep): string {
  return step.resource ?? step.id.slice(step.id.indexOf(":") + 1);
}

/** The id a previous execute recorded, if it finished. */
export function outputId(outputs: JsonObject | null): string | undefined {
  const id = outputs?.id;
  return typeof id === "string" ? id : undefined;
}

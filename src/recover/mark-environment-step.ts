import type { StepHandler } from "../execute/step-handler.js";
import { markEnvironmentInputSchema } from "../model/plan/failover-steps.js";
import { environmentStatusSchema } from "../store/phases.js";
import {
  environmentNotFound,
  getEnvironment,
  updateEnvironment,
} from "../store/environments-repo.js";
import type { Store } from "../store/store.js";
import { parseStepInput } from "../execute/step-input.js";

/**
 * The handler of `mark` steps: sets the environment's status in the state store (a failover
 * ends with `failed-over`, which tells captures, protection and the watcher that the source is
 * no longer primary). Outputs `{ previous, status }`; undo puts `previous` back if the status is
 * still the one this step wrote. Idempotent: writing the status it already has changes nothing.
 */
export function markEnvironmentStep(store: Store): StepHandler {
  return {
    async execute(step, ctx) {
      const { status } = parseStepInput(markEnvironmentInputSchema, ctx.input, step.id);
      const current = await getEnvironment(store, ctx.environment);
      if (!current) throw environmentNotFound(ctx.environment);
      if (current.status !== status) {
        await updateEnvironment(store, ctx.environment, current.revision, { status });
      }
      // A step resumed after it wrote finds its own status: `previous` is then that status and
      // an undo changes nothing (the safe direction).
      return { outputs: { previous: current.status, status } };
    },
    async undo(_step, outputs, ctx) {
      const previous = environmentStatusSchema.safeParse(outputs?.previous);
      const current = await getEnvironment(store, ctx.environment);
      if (!previous.success || !current || current.status !== outputs?.status) return "absent";
      if (previous.data === current.status) return "absent";
      await updateEnvironment(store, ctx.environment, current.revision, { status: previous.data });
      return "deleted";
    },
  };
}

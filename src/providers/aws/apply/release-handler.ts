import type { StepHandler } from "../../../execute/step-handler.js";
import { LifeboatError } from "../../../model/errors.js";
import { fenceInputSchema } from "../../../model/plan/failover-steps.js";
import type { ConnectionFor } from "./failover-handlers.js";
import { releaseFence } from "./fence.js";

/**
 * The `release` step kind (docs/failover.md, docs/recovery.md "Failback"): gives a fenced side
 * its capacity back — every listed scaling group to its captured min/max/desired, every listed
 * instance that is stopped started — whoever fenced it (a failover's `fence` step, or an
 * outage). Same input as `fence`. Idempotent: groups already at their sizes are set again (a
 * no-op), running instances are left alone. A listed instance that no longer exists is no
 * error here: the run's later steps (DNS to the load balancer) fail if what they need is gone.
 * No undo: fencing again is a failover's job, not a teardown's.
 */
export function awsReleaseHandler(connectionFor: ConnectionFor): StepHandler {
  return {
    async execute(step, ctx) {
      const parsed = fenceInputSchema.safeParse(ctx.input);
      if (!parsed.success) {
        throw new LifeboatError("LB_INVALID_INPUT", `step ${step.id}: bad input`, {
          details: { stepId: step.id, issues: parsed.error.issues.map((i) => i.message) },
        });
      }
      const input = parsed.data;
      const connection = connectionFor(input.connection);
      const result = await connection.scoped(ctx.signal, () =>
        releaseFence(connection.clients, input, null),
      );
      const outputs = {
        connection: input.connection,
        scalingGroups: input.scalingGroups.map((g) => g.name),
        instances: [...input.instances],
        changed: result === "deleted",
      };
      await ctx.journal({ type: "release.done", data: outputs });
      return { outputs, resolution: "adopted" };
    },
  };
}

import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { z } from "zod";
import type { StepHandler } from "../../../execute/step-handler.js";
import { parseStepInput } from "../../../execute/step-input.js";
import { jsonValueSchema, type JsonObject } from "../../../store/codec.js";
import { call } from "../aws-calls.js";
import { awsStepHandlers } from "./aws-step-handlers.js";
import type { ConnectionFor } from "./failover-handlers.js";

/**
 * The input of a `rebuild` step (a failback's, docs/recovery.md "Failback"): a machine of the
 * primary as captured (`machine`, its provider id) and the spec to launch it again with, its
 * references already the primary's own ids.
 */
export const rebuildInputSchema = z.strictObject({
  connection: z.string().min(1),
  machine: z.string().min(1),
  spec: z.record(z.string(), jsonValueSchema),
});

const gone = new Set(["terminated", "shutting-down"]);

/**
 * The `rebuild` step kind: a primary machine that survived the outage is adopted as it is
 * (`rebuilt: false`, its id); one that is gone (terminated, or unknown) is launched again in
 * the primary's region with the recovery engine's own machine applier (`create:machine`:
 * find-or-create under the run's tags, so a rerun adopts the machine it launched and never
 * duplicates it). Outputs `id` (bound into the failback's later steps), `rebuilt`, `replaces`.
 * No undo: a failback does not take the primary apart again.
 */
export function awsRebuildHandler(connectionFor: ConnectionFor): StepHandler {
  return {
    async execute(step, ctx) {
      const input = parseStepInput(rebuildInputSchema, ctx.input, step.id);
      const connection = connectionFor(input.connection);
      const found = await connection.scoped(ctx.signal, () =>
        call("ec2.DescribeInstances", () =>
          connection.clients.ec2.send(
            new DescribeInstancesCommand({
              Filters: [{ Name: "instance-id", Values: [input.machine] }],
            }),
          ),
        ),
      );
      const instance = found.Reservations?.flatMap((r) => r.Instances ?? [])[0];
      if (instance && !gone.has(instance.State?.Name ?? "")) {
        return { outputs: { id: input.machine, rebuilt: false }, resolution: "adopted" };
      }
      const create = awsStepHandlers(connection).create;
      const result = await create!.execute(
        { ...step, kind: "create", resourceKind: "machine" },
        { ...ctx, input: input.spec },
      );
      await ctx.journal({
        type: "rebuild.machine",
        data: { replaces: input.machine, id: String(result.outputs.id) },
      });
      const outputs: JsonObject = { ...result.outputs, rebuilt: true, replaces: input.machine };
      return {
        outputs,
        ...(result.resolution === undefined ? {} : { resolution: result.resolution }),
      };
    },
  };
}

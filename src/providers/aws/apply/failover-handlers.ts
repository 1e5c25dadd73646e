import { z } from "zod";
import type { StepHandler, StepHandlers } from "../../../execute/step-handler.js";
import { parseStepInput } from "../../../execute/step-input.js";
import {
  dnsMoveInputSchema,
  dnsTtlInputSchema,
  fenceInputSchema,
} from "../../../model/plan/failover-steps.js";
import type { AwsConnection } from "../aws-connection.js";
import { moveRecords, restoreRecords } from "./dns-move.js";
import { lowerTtls, restoreTtls } from "./dns-ttl.js";
import { fence, releaseFence } from "./fence.js";

/** The connection of the config's provider `name` (composition.ts keeps them open per run). */
export type ConnectionFor = (name: string) => AwsConnection;

/**
 * Handlers of the failover step kinds on AWS (docs/failover.md): `dns-move`, `dns-ttl` and
 * `fence`. Unlike the planner's kinds they are not bound to the run's target: each step names
 * the connection it acts on, so a failover fences the source and a failback the target with
 * the same handler. All are idempotent (they compare before they change) and undoable.
 */
const connectionOnly = z.looseObject({ connection: z.string().min(1) });

export function awsFailoverHandlers(connectionFor: ConnectionFor): StepHandlers {
  return {
    "dns-move": build(dnsMoveInputSchema, {
      execute: async (input, connection, ctx) => {
        const result = await moveRecords(connection.clients, input);
        await ctx.journal({ type: "dns.moved", data: result.outputs });
        return result;
      },
      undo: (_input, connection, outputs) => restoreRecords(connection.clients.route53, outputs),
    }),
    "dns-ttl": build(dnsTtlInputSchema, {
      execute: (input, connection) => lowerTtls(connection.clients.route53, input),
      undo: (_input, connection, outputs) => restoreTtls(connection.clients.route53, outputs),
    }),
    fence: build(fenceInputSchema, {
      execute: async (input, connection, ctx) => {
        const result = await fence(connection.clients, input);
        if (result.outputs.reachable === false) {
          await ctx.journal({ type: "fence.unreachable", data: result.outputs });
        }
        return result;
      },
      undo: (input, connection, outputs) => releaseFence(connection.clients, input, outputs),
    }),
  };

  function build<I extends { connection: string }>(
    schema: z.ZodType<I>,
    ops: {
      execute(
        input: I,
        connection: AwsConnection,
        ctx: Parameters<StepHandler["execute"]>[1],
      ): ReturnType<StepHandler["execute"]>;
      undo(
        input: I,
        connection: AwsConnection,
        outputs: Parameters<NonNullable<StepHandler["undo"]>>[1],
      ): ReturnType<NonNullable<StepHandler["undo"]>>;
    },
  ): StepHandler {
    return {
      execute: async (step, ctx) => {
        const input = parseStepInput(schema, ctx.input, step.id);
        const connection = connectionFor(input.connection);
        return await connection.scoped(ctx.signal, () => ops.execute(input, connection, ctx));
      },
      undo: async (step, outputs, ctx) => {
        // Undo sees the input as planned: a `{ref}` (dns-move's load balancer) is not bound
        // then, so kinds whose undo works from the outputs only read the connection.
        const input = schema.safeParse(step.input).success
          ? parseStepInput(schema, step.input, step.id)
          : ({ ...parseStepInput(connectionOnly, step.input, step.id) } as I);
        const connection = connectionFor(input.connection);
        return await connection.scoped(ctx.signal, () => ops.undo(input, connection, outputs));
      },
    };
  }
}

import type { StepHandler, StepHandlers } from "../../../execute/step-handler.js";
import { LifeboatError } from "../../../model/errors.js";
import { AwsConnection, type AwsConnectionOptions } from "../aws-connection.js";
import type { ApplyEnv } from "./apply-env.js";
import type { Applier, ApplierTable } from "./applier.js";
import { attachmentAppliers } from "./attachment-appliers.js";
import { loadBalancerAppliers } from "./load-balancer-appliers.js";
import { listenerAppliers } from "./listener-appliers.js";
import { databaseAppliers } from "./database-appliers.js";
import { dnsAppliers } from "./dns-appliers.js";
import { gatewayAppliers } from "./gateway-appliers.js";
import { imageAppliers } from "./image-appliers.js";
import { machineAppliers } from "./machine-appliers.js";
import { networkAppliers } from "./network-appliers.js";
import { routeTableAppliers } from "./route-appliers.js";
import { scalingAppliers } from "./scaling-appliers.js";
import { securityGroupAppliers } from "./security-group-appliers.js";

/** Every (step kind, resource kind) pair the planner emits, and how AWS does it. */
export const awsAppliers: ApplierTable = {
  ...networkAppliers,
  ...routeTableAppliers,
  ...gatewayAppliers,
  ...securityGroupAppliers,
  ...imageAppliers,
  ...machineAppliers,
  ...attachmentAppliers,
  ...scalingAppliers,
  ...loadBalancerAppliers,
  ...listenerAppliers,
  ...databaseAppliers,
  ...dnsAppliers,
};

/** Step kinds whose handler has `undo` (teardown); adopt, register and wait make nothing. */
const undoable = new Set(["create", "copy", "configure", "dns"]);
const stepKinds = ["create", "adopt", "copy", "configure", "register", "wait", "dns"];

/**
 * The executor's handlers for an AWS target (docs/aws-apply.md): one per step kind, each
 * dispatching on the step's resource kind to an {@link Applier}. A pair with no applier →
 * `LB_PROVIDER_UNSUPPORTED`; a pair with no undo answers `absent` in a teardown.
 *
 * Idempotency: every create is find-or-create under the run's tags (`lifeboat:run`,
 * `lifeboat:source-id`), a run-derived name, or a client token derived from
 * `ctx.idempotencyKey`, so a retried or resumed step adopts what an earlier attempt made.
 * Handlers are safe to call in parallel; SDK requests share the connection's request limit.
 */
export function awsStepHandlers(
  target: AwsConnection | AwsConnectionOptions,
  table: ApplierTable = awsAppliers,
): StepHandlers {
  const connection = target instanceof AwsConnection ? target : new AwsConnection(target);
  const env: ApplyEnv = { clients: connection.clients, region: connection.options.region };
  const applierFor = (kind: string, resourceKind: string | undefined): Applier => {
    const key = `${kind}:${resourceKind ?? "?"}`;
    const applier = Object.hasOwn(table, key) ? table[key] : undefined;
    if (!applier) {
      throw new LifeboatError("LB_PROVIDER_UNSUPPORTED", `AWS cannot ${kind} a ${resourceKind}`, {
        details: { stepKind: kind, resourceKind: resourceKind ?? null },
      });
    }
    return applier;
  };
  const handlers: Record<string, StepHandler> = {};
  for (const kind of stepKinds) {
    const handler: StepHandler = {
      execute: (step, ctx) =>
        connection.scoped(ctx.signal, async () => {
          const result = await applierFor(kind, step.resourceKind).execute(step, ctx, env);
          if (result.resolution === "created" && typeof result.outputs.id === "string") {
            // The audit trail names what each run made in the target.
            await ctx.journal({
              type: "created",
              data: { id: result.outputs.id, resourceKind: step.resourceKind ?? null },
            });
          }
          return result;
        }),
    };
    if (undoable.has(kind)) {
      handler.undo = (step, outputs, ctx) =>
        connection.scoped(ctx.signal, async () => {
          const applier = applierFor(kind, step.resourceKind);
          return applier.undo ? await applier.undo(step, outputs, ctx, env) : "absent";
        });
    }
    handlers[kind] = handler;
  }
  return handlers;
}

import { z } from "zod";
import { LifeboatError } from "../../model/errors.js";
import type { DatabaseTarget, VolumeTarget, WorkflowTarget } from "../../model/workflow-target.js";
import { definePlugin, PLUGIN_API_VERSION, type PluginContext } from "../plugin-api.js";
import type { GroupItem, RecoveryPointPort } from "../recovery-point-port.js";
import { databaseUrl } from "./pg-session.js";

type SnapshotTarget = VolumeTarget | DatabaseTarget;

const params = z.strictObject({});

const applies = (t: WorkflowTarget): t is SnapshotTarget =>
  (t.kind === "volume" && (t.path !== undefined || t.device !== undefined)) ||
  (t.kind === "database" && t.engine === "postgres");

/**
 * `snapshot`: one recovery point of every target (image files, block devices, PostgreSQL
 * databases) as one consistency group with one timestamp, through a {@link RecoveryPointPort}.
 * The group is the step's idempotency key, so a resumed step adopts the point it took.
 */
export function snapshotPlugin(port: RecoveryPointPort) {
  return definePlugin<z.infer<typeof params>, SnapshotTarget>({
    name: "lifeboat.action.snapshot",
    apiVersion: PLUGIN_API_VERSION,
    action: "snapshot",
    description: "Take a recovery point of the targets as one consistency group",
    configSchema: params,
    appliesTo: applies,
    async execute(ctx) {
      const point = await port.takeGroup({
        group: ctx.idempotencyKey,
        environment: ctx.environment,
        time: ctx.clock.now(),
        items: ctx.targets.map((target, i) => groupItem(ctx, target, i)),
        signal: ctx.signal,
      });
      await ctx.journal("recovery-point", { group: point.group, time: point.time });
      return { ...point };
    },
  });
}

function groupItem(ctx: PluginContext, target: SnapshotTarget, index: number): GroupItem {
  if (target.kind === "database") {
    return {
      kind: "postgres",
      url: databaseUrl(ctx, target),
      name: target.urlEnv ?? `database-${index}`,
    };
  }
  if (target.path !== undefined) return { kind: "file", path: target.path };
  if (target.device !== undefined) return { kind: "device", path: target.device };
  throw new LifeboatError("LB_INVALID_INPUT", "a snapshot volume needs a path or a device");
}

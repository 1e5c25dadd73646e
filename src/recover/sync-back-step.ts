import { z } from "zod";
import type { StepHandler } from "../execute/step-handler.js";
import { parseStepInput } from "../execute/step-input.js";
import { BugError, LifeboatError } from "../model/errors.js";
import type { RecoveryPoint } from "../model/recovery-point.js";
import type { BlockSnapshotStore } from "../providers/block-snapshots.js";
import type { JsonObject } from "../store/codec.js";
import { hydrateSnapshot, verifySnapshot, type BlockSource } from "./hydrate-volume.js";
import { swapVolume } from "./swap-volume.js";
import type { VolumeSwap } from "../providers/volume-swap.js";

/**
 * The input of a `sync-back` step (planned by `planFailback` for each volume the failover
 * hydrated): where the primary's volume lives and which recovery point the copy started from.
 */
export const syncBackInputSchema = z.strictObject({
  /** The primary's connection (the config's `source`). */
  connection: z.string().min(1),
  /** The primary's volume id: the `source` of its recovery points. */
  volume: z.string().min(1),
  /** The volume the failover made on the copy (for the report). */
  copyVolume: z.string().nullable(),
  /** The repository snapshot the failover hydrated the copy from. */
  hydratedPoint: z.string().regex(/^[0-9a-f]{64}$/),
  /** When the failover run started: only points after it (and after the hydrated one) count. */
  after: z.iso.datetime(),
  name: z.string().min(1),
  zone: z.string().min(1),
  volumeType: z.string().optional(),
  /** The primary machine and device the volume was attached at; null when it was not. */
  machine: z.string().nullable(),
  device: z.string().nullable(),
  tags: z.record(z.string(), z.string()).default({}),
  /**
   * Where the copy's final delta comes from: `cbt` — this step takes it first, through the
   * copy volume's changed-block tracking (`cbt`); `workflow` — a `before-sync-back` workflow
   * took it just before this step; `none` — the newest point the copy's agent recorded.
   */
  finalDelta: z.enum(["cbt", "workflow", "none"]).default("none"),
  /** With `finalDelta: cbt`: the copy's volume and how its snapshot is had (the agent's binding). */
  cbt: z
    .strictObject({
      connection: z.string().min(1),
      volume: z.string().min(1),
      snapshots: z.enum(["create", "tagged"]),
    })
    .optional(),
});
export type SyncBackInput = z.infer<typeof syncBackInputSchema>;
export type CbtFinalDelta = NonNullable<SyncBackInput["cbt"]>;

/** What carrying a volume back needs, per connection of the config. */
export interface SyncBackDeps {
  /** The block store of connection `name` (the primary's region). */
  blocks(connection: string): BlockSnapshotStore;
  swap(connection: string): VolumeSwap;
  /** Opens the repository image snapshot `id` for random reads (every block verified). */
  openPoint(id: string): Promise<BlockSource>;
  /** The recovery points of `source`, newest first (the state store's `recovery_points`). */
  points(environment: string, source: string): Promise<readonly RecoveryPoint[]>;
  /**
   * Takes a recovery point of `volume` (the primary's id) from the copy's volume through its
   * changed-block tracking (src/protect/final-delta.ts); absent when no CBT is wired.
   */
  finalDelta?(environment: string, volume: string, cbt: CbtFinalDelta): Promise<RecoveryPoint>;
  /** Puts in flight; default 16. */
  readonly parallel?: number;
}

/** The point to carry back, or why there is none. */
export function pointToSync(
  points: readonly RecoveryPoint[],
  input: Pick<SyncBackInput, "hydratedPoint" | "after">,
): { point: RecoveryPoint } | { point: null; reason: string } {
  const hydrated = points.find((p) => p.snapshotId === input.hydratedPoint);
  const after = Math.max(Date.parse(input.after), hydrated?.at.getTime() ?? 0);
  const newest = points[0];
  if (newest && newest.snapshotId !== input.hydratedPoint && newest.at.getTime() > after) {
    return { point: newest };
  }
  return {
    point: null,
    reason:
      `no recovery point newer than the failover's (${new Date(after).toISOString()}): ` +
      "nothing written on the copy was protected, so there is nothing to carry back",
  };
}

/**
 * The `sync-back` step of a failback (docs/recovery.md, "Failback"): takes the newest recovery
 * point of the primary's volume — written after the failover by the agent on the copy, which
 * binds the copy's device to the same volume id — hydrates it into a new block snapshot in the
 * primary's region, reads every block back (a difference is `LB_HYDRATE_MISMATCH`, nothing
 * made), makes a volume in the primary's zone and swaps it onto the primary machine at the
 * same device. With `finalDelta: cbt` the step first records the copy's final delta as a point
 * of the volume (the copy volume's snapshot read through changed-block tracking). The volume taken off is kept, tagged `lifeboat:replaced-by`. No newer point →
 * succeeds with `synced: false` and says why. Idempotent: the snapshot and volume are found by
 * the step's key (plus the point), the swap compares before it changes. No undo: a failback
 * never deletes data.
 */
export function syncBackStepHandler(deps: SyncBackDeps): StepHandler {
  return {
    async execute(step, ctx) {
      const input = parseStepInput(syncBackInputSchema, ctx.input, step.id);
      if (input.finalDelta === "cbt") {
        if (!input.cbt || !deps.finalDelta) {
          throw new BugError(`${step.id}: a cbt final delta without its binding or its port`);
        }
        // A resumed step takes it again: the copy still serves, a newer point is carried.
        const taken = await deps.finalDelta(ctx.environment, input.volume, input.cbt);
        await ctx.journal({
          type: "sync-back.final-delta",
          data: {
            method: "cbt",
            point: taken.snapshotId,
            at: taken.at.toISOString(),
            ...input.cbt,
          },
        });
      }
      const chosen = pointToSync(await deps.points(ctx.environment, input.volume), input);
      if (chosen.point === null) {
        const outputs = {
          volume: input.volume,
          synced: false,
          finalDelta: input.finalDelta,
          reason: chosen.reason,
        };
        await ctx.journal({ type: "sync-back.nothing", data: outputs });
        return { outputs };
      }
      const { point } = chosen;
      // The point is part of the key: a resume that finds a newer point writes that one.
      const key = `${ctx.idempotencyKey}/${point.snapshotId.slice(0, 16)}`;
      const store = deps.blocks(input.connection);
      const source = await deps.openPoint(point.snapshotId);
      const tags = {
        ...input.tags,
        "lifeboat:run": ctx.runId,
        "lifeboat:synced-from": input.volume,
      };
      const parallel = deps.parallel === undefined ? {} : { parallel: deps.parallel };
      const written = await hydrateSnapshot(source, store, {
        key,
        description: `lifeboat ${ctx.environment} ${input.volume} back from ${point.snapshotId.slice(0, 12)}`,
        tags,
        signal: ctx.signal,
        ...parallel,
      });
      await ctx.journal({ type: "sync-back.written", data: { ...written } });
      const verified = await verifySnapshot(source, store, written.snapshotId, {
        signal: ctx.signal,
        ...parallel,
      });
      const verify: JsonObject = { ...verified, mismatches: [...verified.mismatches] };
      await ctx.journal({ type: "sync-back.verified", data: verify });
      if (!verified.identical) {
        await store.deleteSnapshot(written.snapshotId);
        throw new LifeboatError(
          "LB_HYDRATE_MISMATCH",
          `${written.snapshotId} differs from recovery point ${point.snapshotId} at blocks ${verified.mismatches.join(", ")}`,
          { details: { snapshotId: written.snapshotId, mismatches: [...verified.mismatches] } },
        );
      }
      const made = await store.createVolume({
        snapshotId: written.snapshotId,
        zone: input.zone,
        key,
        tags: { ...tags, Name: input.name },
        ...(input.volumeType === undefined ? {} : { volumeType: input.volumeType }),
      });
      const swapped = await swapVolume(deps.swap(input.connection), store, made.volumeId, {
        machine: input.machine,
        device: input.device,
        runId: ctx.runId,
        at: ctx.clock.now(),
      });
      await ctx.journal({ type: "sync-back.swapped", data: { ...swapped } });
      return {
        outputs: {
          id: made.volumeId,
          volume: input.volume,
          synced: true,
          finalDelta: input.finalDelta,
          copyVolume: input.copyVolume,
          recoveryPoint: point.snapshotId,
          pointAt: point.at.toISOString(),
          snapshotId: written.snapshotId,
          hydrate: { ...written },
          verify,
          ...swapped,
        },
        resolution: made.adopted ? "adopted" : "created",
      };
    },
  };
}

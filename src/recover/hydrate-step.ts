import { z } from "zod";
import type { StepHandler } from "../execute/step-handler.js";
import { LifeboatError } from "../model/errors.js";
import type { BlockSnapshotStore } from "../providers/block-snapshots.js";
import type { JsonObject } from "../store/codec.js";
import { hydrateSnapshot, verifySnapshot, type BlockSource } from "./hydrate-volume.js";

/** The input of a `hydrate` step: the volume's target spec plus the recovery point to write. */
export const hydrateInputSchema = z.object({
  name: z.string(),
  location: z.object({ region: z.string(), zone: z.string() }),
  tags: z.record(z.string(), z.string()).default({}),
  properties: z.object({ volumeType: z.string().optional() }).loose(),
  data: z.strictObject({
    snapshot: z.string().regex(/^[0-9a-f]{64}$/),
    /** Pre-staged mode: a provider snapshot in the target already holding the point. */
    staged: z.strictObject({ snapshotId: z.string().min(1), region: z.string() }).optional(),
  }),
});
export type HydrateInput = z.infer<typeof hydrateInputSchema>;

/** What hydration needs: the target's block store and a way to read a recovery point. */
export interface HydrateDeps {
  readonly store: BlockSnapshotStore;
  /** Opens the repository image snapshot `id` for random reads (every block verified). */
  openPoint(id: string): Promise<BlockSource>;
  /** Puts in flight; default 16. */
  readonly parallel?: number;
}

/**
 * The `hydrate` step (docs/hydration.md): writes the volume's recovery point into a new block
 * snapshot in the target (zero blocks skipped, bounded parallel puts with checksums), reads
 * every block back and compares it with the repository — a difference fails the step with
 * `LB_HYDRATE_MISMATCH` and no volume is made — then creates the volume from the snapshot. The
 * volume's `configure` step attaches it to the recovered machine. Idempotent under the step's
 * key (a finished snapshot and the volume are found by tag and reused); undo deletes both.
 * With a pre-staged snapshot in the volume's region (`data.staged`), nothing is written: the
 * volume is made from it (journal `hydrate.prestaged`); a staged snapshot that is gone or in
 * another region is journaled (`hydrate.prestage-skipped`) and the point is hydrated as usual.
 */
export function hydrateStepHandler(deps: HydrateDeps): StepHandler {
  return {
    async execute(step, ctx) {
      const parsed = hydrateInputSchema.safeParse(ctx.input);
      if (!parsed.success) {
        throw new LifeboatError("LB_INVALID_INPUT", `step ${step.id}: ${parsed.error.message}`);
      }
      const input = parsed.data;
      const tags = { ...input.tags, "lifeboat:run": ctx.runId };
      const staged = await usableStaged(deps, input);
      if (staged.snapshotId !== undefined) {
        return await fromStaged(deps, input, staged.snapshotId, tags, ctx);
      }
      if (input.data.staged) {
        await ctx.journal({
          type: "hydrate.prestage-skipped",
          data: { snapshotId: input.data.staged.snapshotId, reason: staged.reason ?? "" },
        });
      }
      const source = await deps.openPoint(input.data.snapshot);
      const written = await hydrateSnapshot(source, deps.store, {
        key: ctx.idempotencyKey,
        description: `lifeboat ${ctx.environment} ${step.resource} from ${input.data.snapshot.slice(0, 12)}`,
        tags,
        signal: ctx.signal,
        ...(deps.parallel === undefined ? {} : { parallel: deps.parallel }),
      });
      await ctx.journal({ type: "hydrate.written", data: { ...written } });
      const verified = await verifySnapshot(source, deps.store, written.snapshotId, {
        signal: ctx.signal,
        ...(deps.parallel === undefined ? {} : { parallel: deps.parallel }),
      });
      const verification: JsonObject = { ...verified, mismatches: [...verified.mismatches] };
      await ctx.journal({ type: "hydrate.verified", data: verification });
      if (!verified.identical) {
        // Not reused by a retry: the next attempt writes a fresh snapshot.
        await deps.store.deleteSnapshot(written.snapshotId);
        throw new LifeboatError(
          "LB_HYDRATE_MISMATCH",
          `${written.snapshotId} differs from recovery point ${input.data.snapshot} at blocks ${verified.mismatches.join(", ")}`,
          { details: { snapshotId: written.snapshotId, mismatches: [...verified.mismatches] } },
        );
      }
      const volume = await createVolume(deps, input, written.snapshotId, tags, ctx.idempotencyKey);
      return {
        outputs: {
          id: volume.volumeId,
          mode: "hydrated",
          snapshotId: written.snapshotId,
          recoveryPoint: input.data.snapshot,
          hydrate: { ...written },
          verify: verification,
        },
        resolution: volume.adopted ? "adopted" : "created",
      };
    },
    async undo(_step, _outputs, ctx) {
      const volume = await deps.store.deleteVolume(ctx.idempotencyKey);
      const snapshot = await deps.store.findSnapshot(ctx.idempotencyKey);
      if (snapshot) await deps.store.deleteSnapshot(snapshot.snapshotId);
      return volume === "deleted" || snapshot ? "deleted" : "absent";
    },
  };
}

/** Makes the step's volume from `snapshotId` (or finds the one an earlier attempt made). */
function createVolume(
  deps: HydrateDeps,
  input: HydrateInput,
  snapshotId: string,
  tags: Record<string, string>,
  key: string,
) {
  return deps.store.createVolume({
    snapshotId,
    zone: input.location.zone,
    key,
    tags: { ...tags, Name: input.name },
    ...(input.properties.volumeType === undefined
      ? {}
      : { volumeType: input.properties.volumeType }),
  });
}

/** The staged snapshot to use, or why not: another region, or gone (deleted by hand). */
async function usableStaged(
  deps: HydrateDeps,
  input: HydrateInput,
): Promise<{ snapshotId?: string; reason?: string }> {
  const staged = input.data.staged;
  if (staged === undefined) return {};
  if (staged.region !== input.location.region) {
    return { reason: `staged in ${staged.region}, the volume is made in ${input.location.region}` };
  }
  if (!(await deps.store.snapshotExists(staged.snapshotId))) {
    return { reason: `${staged.snapshotId} is not a completed snapshot in ${staged.region}` };
  }
  return { snapshotId: staged.snapshotId };
}

/**
 * Pre-staged mode: the point is already a snapshot in the target (written and checksummed
 * block by block when it was staged), so the volume is made from it with no writes. Undo
 * deletes only the volume: the staged snapshot belongs to the protection chain.
 */
async function fromStaged(
  deps: HydrateDeps,
  input: HydrateInput,
  snapshotId: string,
  tags: Record<string, string>,
  ctx: Parameters<StepHandler["execute"]>[1],
) {
  const started = Date.now();
  const volume = await createVolume(deps, input, snapshotId, tags, ctx.idempotencyKey);
  const prestaged = {
    snapshotId,
    region: input.location.region,
    seconds: (Date.now() - started) / 1000,
  };
  await ctx.journal({ type: "hydrate.prestaged", data: prestaged });
  return {
    outputs: {
      id: volume.volumeId,
      mode: "prestaged",
      snapshotId,
      recoveryPoint: input.data.snapshot,
      prestaged,
    },
    resolution: volume.adopted ? ("adopted" as const) : ("created" as const),
  };
}

import type { Clock } from "../model/clock.js";
import { LifeboatError } from "../model/errors.js";
import type { RecoveryPoint } from "../model/recovery-point.js";
import type { StagedSnapshot } from "../model/staged-snapshot.js";
import type { BlockSnapshotStore } from "../providers/block-snapshots.js";
import type { Repository } from "../repository/repository.js";
import { openBaseImage } from "./base-image.js";
import type { BaseImage } from "./change-source.js";
import type { PointLog } from "./point-log.js";
import { changedChunkRanges, putChangedBlocks, type ByteRange } from "./stage-blocks.js";

/** Where staged snapshots are recorded (the state store's `staged_snapshots`, composition.ts). */
export interface StageLog {
  /** A source's staged snapshots in `target`, newest point first. */
  list(environment: string, source: string, target: string): Promise<StagedSnapshot[]>;
  record(staged: StagedSnapshot): Promise<void>;
  /** Forgets rows by provider snapshot id (after the snapshots were deleted). */
  remove(snapshotIds: readonly string[]): Promise<void>;
}

export interface PrestageDeps {
  readonly repo: Repository;
  readonly points: PointLog;
  readonly log: StageLog;
  /** The target region's block snapshots. */
  readonly store: BlockSnapshotStore;
  readonly environment: string;
  /** The provider connection's name and region the chain lives in. */
  readonly target: string;
  readonly region: string;
  readonly clock: Clock;
  /** Puts in flight; default 8 (the connection's request limit). */
  readonly parallel?: number;
}

/** What one stage did. */
export interface StageOutcome {
  /** The point's staged snapshot; null when the source has no point yet. */
  readonly staged: StagedSnapshot | null;
  /** True when the newest point was already staged (nothing written). */
  readonly upToDate: boolean;
  /**
   * Blocks put into an incremental snapshot the provider then showed without its parent's
   * blocks (moto ignores `ParentSnapshotId`): that snapshot was deleted and the point staged
   * in full. Null when no such attempt happened.
   */
  readonly ignoredParent: { readonly blocksWritten: number } | null;
}

const GiB = 1024 ** 3;

/** Providers seen ignoring `ParentSnapshotId`: later stages go straight to full snapshots. */
const ignoresParent = new WeakSet<BlockSnapshotStore>();

/**
 * Pre-staged mode (docs/hydration.md): stages the newest recovery point of `source` as a block
 * snapshot in the target. The snapshot is started from the newest staged one (its parent) and
 * gets only the blocks that differ between the two points (looked for in the chunks whose keyed
 * ids differ, then compared block by block with the parent's image), so a stage after
 * missed cycles catches up in one step; the first stage (or one whose parent is gone) writes
 * every non-zero block. Zero blocks are skipped unless the parent holds them; every put carries
 * its SHA-256. The row is recorded only after the snapshot completes, so a crash or failure
 * leaves the previous chain intact and the next call starts again. Staged snapshots whose
 * points retention removed are deleted after a successful stage (the new one never is).
 */
export async function stageNewest(deps: PrestageDeps, source: string): Promise<StageOutcome> {
  const point = await deps.points.newest(deps.environment, source);
  if (point === null) return { staged: null, upToDate: true, ignoredParent: null };
  const chain = await deps.log.list(deps.environment, source, deps.target);
  const newest = chain[0];
  if (newest?.pointId === point.id) return { staged: newest, upToDate: true, ignoredParent: null };
  const image = await openBaseImage(deps.repo, point.snapshotId, point, { bytesRead: 0 });
  const parent = ignoresParent.has(deps.store) ? null : await usableParent(deps, newest, image);
  let ignoredParent: StageOutcome["ignoredParent"] = null;
  let staged = await writeStage(deps, point, image, parent);
  if (parent && !(await inherits(deps.store, staged.snapshotId, parent.blocks))) {
    ignoresParent.add(deps.store);
    await deps.store.deleteSnapshot(staged.snapshotId);
    ignoredParent = { blocksWritten: staged.blocksWritten };
    staged = await writeStage(deps, point, image, null);
  }
  await deps.log.record(staged);
  await dropOrphans(deps, source, chain);
  return { staged, upToDate: false, ignoredParent };
}

interface Parent {
  readonly staged: StagedSnapshot;
  /** The image the parent holds (its point's repository snapshot). */
  readonly image: BaseImage;
  readonly ranges: readonly ByteRange[];
  readonly blocks: ReadonlySet<number>;
}

/** The newest staged snapshot as a parent with the ranges changed since it; null: stage in full. */
async function usableParent(
  deps: PrestageDeps,
  newest: StagedSnapshot | undefined,
  image: BaseImage,
): Promise<Parent | null> {
  if (newest === undefined || !(await deps.store.snapshotExists(newest.snapshotId))) return null;
  const before = await openBaseImage(deps.repo, newest.pointSnapshotId, null, {
    bytesRead: 0,
  }).catch((error: unknown) => {
    if (error instanceof LifeboatError && error.code === "LB_SNAPSHOT_NOT_FOUND") return null;
    throw error;
  });
  const ranges = before && changedChunkRanges(before, image);
  if (!ranges) return null;
  const { blocks } = await deps.store.listBlocks(newest.snapshotId);
  return { staged: newest, image: before, ranges, blocks: new Set(blocks.map((b) => b.index)) };
}

async function writeStage(
  deps: PrestageDeps,
  point: RecoveryPoint,
  image: BaseImage,
  parent: Parent | null,
): Promise<StagedSnapshot> {
  const started = Date.now();
  const key = `prestage/${deps.environment}/${point.source}/${point.id}`;
  // An earlier attempt that died before its row was recorded is not trusted: start afresh.
  const earlier = await deps.store.findSnapshot(key);
  if (earlier) await deps.store.deleteSnapshot(earlier.snapshotId);
  const { snapshotId, blockSize } = await deps.store.start({
    sizeGiB: Math.max(1, Math.ceil(image.size / GiB)),
    description: `lifeboat ${deps.environment} ${point.source} pre-staged ${point.at.toISOString()}`,
    key,
    tags: {
      "lifeboat:environment": deps.environment,
      "lifeboat:source-id": `volume:${point.source}`,
      "lifeboat:prestaged-point": point.id,
    },
    ...(parent ? { parentSnapshotId: parent.staged.snapshotId } : {}),
  });
  try {
    const ranges = parent?.ranges ?? [{ offset: 0, length: image.size }];
    const blocksWritten = await putChangedBlocks(image, deps.store, snapshotId, ranges, {
      blockSize,
      parentBlocks: parent?.blocks ?? new Set(),
      ...(parent ? { previous: parent.image } : {}),
      parallel: deps.parallel ?? 8,
      windowBytes: 8 << 20,
    });
    await deps.store.complete(snapshotId, blocksWritten);
    await deps.store.markFinished(snapshotId);
    return {
      pointId: point.id,
      target: deps.target,
      region: deps.region,
      environment: deps.environment,
      source: point.source,
      pointAt: point.at,
      pointSnapshotId: point.snapshotId,
      snapshotId,
      parentSnapshotId: parent?.staged.snapshotId ?? null,
      mode: parent ? "incremental" : "full",
      blocksWritten,
      bytesWritten: blocksWritten * blockSize,
      seconds: (Date.now() - started) / 1000,
      stagedAt: deps.clock.now(),
    };
  } catch (error) {
    await deps.store.deleteSnapshot(snapshotId).catch(() => undefined);
    throw error;
  }
}

/** Whether the completed child lists every block of its parent (the provider chained them). */
async function inherits(
  store: BlockSnapshotStore,
  child: string,
  parentBlocks: ReadonlySet<number>,
): Promise<boolean> {
  const listed = new Set((await store.listBlocks(child)).blocks.map((b) => b.index));
  for (const index of parentBlocks) if (!listed.has(index)) return false;
  return true;
}

/** Deletes staged snapshots of points that no longer exist, except the newest (the parent). */
async function dropOrphans(
  deps: PrestageDeps,
  source: string,
  chain: readonly StagedSnapshot[],
): Promise<void> {
  const live = new Set((await deps.points.list(deps.environment, source)).map((p) => p.id));
  const orphans = chain.filter((s) => !live.has(s.pointId));
  for (const s of orphans) await deps.store.deleteSnapshot(s.snapshotId).catch(() => undefined);
  await deps.log.remove(orphans.map((s) => s.snapshotId));
}

import { BugError, LifeboatError } from "../model/errors.js";
import type { RecoveryPoint } from "../model/recovery-point.js";
import { backup, type ArchiveOptions, type BackupResult } from "../repository/archiver/api.js";
import type { Repository } from "../repository/repository.js";
import { openBaseImage, type BaseCounters } from "./base-image.js";
import type { BaseImage, ChangeSet, ChangeSource } from "./change-source.js";
import { RESYNC_TAG, storeJournal } from "./journal/journal-snapshot.js";
import type { NewPoint, PointLog } from "./point-log.js";

/** Chunk size of protected volumes: small, so a 4 KiB write costs one 64 KiB chunk. */
export const PROTECT_CHUNK_SIZE = 64 * 1024;

export interface ProtectDeps {
  readonly repo: Repository;
  readonly points: PointLog;
  readonly environment: string;
  readonly chunkSize?: number;
  readonly archive?: ArchiveOptions;
}

/** What one cycle did, with its costs. */
export interface VolumeCycle {
  readonly point: RecoveryPoint;
  readonly backup: BackupResult;
  /** Bytes the change source read from the device, journal or provider. */
  readonly sourceBytesRead: number;
  /** Bytes of base chunks read back from the repository (journal overlay). */
  readonly baseBytesRead: number;
  readonly full: boolean;
}

/** The newest point's image as a base; null (a full backup) when the snapshot is gone. */
export async function baseOf(
  repo: Repository,
  point: RecoveryPoint | null,
  counters: BaseCounters,
): Promise<BaseImage | null> {
  if (point === null) return null;
  return openBaseImage(repo, point.snapshotId, point, counters).catch((error: unknown) => {
    if (error instanceof LifeboatError && error.code === "LB_SNAPSHOT_NOT_FOUND") return null;
    throw error;
  });
}

/** Stores one change set as a snapshot (write order packs → index → snapshot). */
export async function storeChanges(
  deps: ProtectDeps,
  source: ChangeSource,
  base: BaseImage | null,
  changes: ChangeSet,
): Promise<BackupResult> {
  return backup(
    deps.repo,
    {
      source: source.volume,
      kind: "image",
      image: changes.image,
      ...(changes.ranges !== null && base ? { changedRanges: changes.ranges } : {}),
      ...(base ? { parent: base.snapshotId } : {}),
      chunkSize: base?.chunkSize ?? deps.chunkSize ?? PROTECT_CHUNK_SIZE,
      time: changes.at,
      tags: [
        `lifeboat:protect`,
        `lifeboat:environment=${deps.environment}`,
        ...(changes.consistent ? [] : [RESYNC_TAG]),
      ],
      fields: { environment: deps.environment, method: source.method },
    },
    deps.archive,
  );
}

/**
 * Keeps the change set's journaled writes in the repository (docs/protect.md, "Between points")
 * when they replay onto a point, and returns the change set with the journal snapshot named in
 * its meta. A resynchronisation's records replay onto a fuzzy image that is exact at no
 * instant, so they are not kept.
 */
export async function keepWrites(
  deps: ProtectDeps,
  source: ChangeSource,
  base: BaseImage | null,
  changes: ChangeSet,
): Promise<ChangeSet> {
  if (changes.writes === undefined || base?.point == null) return changes;
  const journal = await storeJournal(deps.repo, {
    volume: source.volume,
    environment: deps.environment,
    base: { snapshotId: base.snapshotId, at: base.point.at },
    at: changes.at,
    records: changes.writes,
  });
  return {
    ...changes,
    meta: { ...changes.meta, journalSnapshot: journal.snapshot, journalBytes: journal.bytes },
  };
}

/**
 * Records the point for a stored change set, then lets the source drop what it covers. A crash
 * before `record` leaves an unreferenced snapshot and the source's changes intact: the next cycle
 * starts again from the previous point, so nothing is lost.
 */
export async function recordChanges(
  deps: ProtectDeps,
  source: ChangeSource,
  changes: ChangeSet,
  stored: BackupResult,
  groupId: string | null,
): Promise<RecoveryPoint> {
  const point = await deps.points.record(pointOf(deps, source, changes, stored, groupId));
  await changes.commit();
  return point;
}

/** The recovery point row of a stored change set. */
export function pointOf(
  deps: ProtectDeps,
  source: ChangeSource,
  changes: ChangeSet,
  stored: BackupResult,
  groupId: string | null,
): NewPoint {
  const changedBytes =
    changes.ranges === null ? stored.size : changes.ranges.reduce((n, r) => n + r.length, 0);
  return {
    environment: deps.environment,
    source: source.volume,
    kind: "volume",
    method: source.method,
    at: changes.at,
    snapshotId: stored.snapshot,
    sizeBytes: stored.size,
    changedBytes,
    groupId,
    meta: changes.meta,
  };
}

/**
 * One protection cycle of one volume: the changes since its newest recovery point → an image
 * snapshot built from the changed ranges (the first cycle is a full backup) → a recovery point.
 */
export async function protectVolume(
  deps: ProtectDeps,
  source: ChangeSource,
  options: { readonly at?: Date } = {},
): Promise<VolumeCycle> {
  const baseCounters: BaseCounters = { bytesRead: 0 };
  const before = source.counters.bytesRead;
  const newest = await deps.points.newest(deps.environment, source.volume);
  let base = await baseOf(deps.repo, newest, baseCounters);
  let changes = await source.changes(base, options);
  const full = changes.ranges === null || base === null;
  if (!changes.consistent) {
    // A resynchronisation: store the fuzzy state as the base, then cut exactly over it.
    const fuzzy = await storeChanges(deps, source, base, changes);
    base = await openBaseImage(deps.repo, fuzzy.snapshot, null, baseCounters, changes.meta);
    changes = await source.changes(base, options);
    if (!changes.consistent) throw new BugError(`${source.volume}: a resync did not converge`);
  }
  const stored = await storeChanges(deps, source, base, changes);
  changes = await keepWrites(deps, source, base, changes);
  const point = await recordChanges(deps, source, changes, stored, null);
  return {
    point,
    backup: stored,
    sourceBytesRead: source.counters.bytesRead - before,
    baseBytesRead: baseCounters.bytesRead,
    full,
  };
}

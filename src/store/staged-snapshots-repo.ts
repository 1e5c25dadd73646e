import type { Selectable } from "kysely";
import { z } from "zod";
import type { StagedSnapshot } from "../model/staged-snapshot.js";
import { decodeInteger, decodeTime, decodeValue, encodeTime } from "./codec.js";
import type { StagedSnapshotsTable } from "./schema.js";
import type { StoreSession } from "./store.js";

/** Records (or replaces) the staged snapshot of a point in a target. */
export async function recordStagedSnapshot(s: StoreSession, staged: StagedSnapshot): Promise<void> {
  const row = {
    point_id: staged.pointId,
    target: staged.target,
    region: staged.region,
    environment: staged.environment,
    source: staged.source,
    point_at: encodeTime(staged.pointAt),
    point_snapshot_id: staged.pointSnapshotId,
    snapshot_id: staged.snapshotId,
    parent_snapshot_id: staged.parentSnapshotId,
    mode: staged.mode,
    blocks_written: staged.blocksWritten,
    bytes_written: staged.bytesWritten,
    staged_ms: Math.round(staged.seconds * 1000),
    staged_at: encodeTime(staged.stagedAt),
  };
  await s.db
    .insertInto("staged_snapshots")
    .values(row)
    .onConflict((oc) => oc.columns(["point_id", "target"]).doUpdateSet(row))
    .execute();
}

/** Staged snapshots of an environment (of one source, of one target when given), newest first. */
export async function listStagedSnapshots(
  s: StoreSession,
  environment: string,
  filter: { readonly source?: string; readonly target?: string; readonly limit?: number } = {},
): Promise<StagedSnapshot[]> {
  let query = s.db
    .selectFrom("staged_snapshots")
    .selectAll()
    .where("environment", "=", environment)
    .orderBy("point_at", "desc")
    .orderBy("staged_at", "desc");
  if (filter.source !== undefined) query = query.where("source", "=", filter.source);
  if (filter.target !== undefined) query = query.where("target", "=", filter.target);
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return (await query.execute()).map(toStaged);
}

/** Forgets staged snapshots by provider snapshot id (their snapshots were deleted). */
export async function deleteStagedSnapshots(
  s: StoreSession,
  snapshotIds: readonly string[],
): Promise<void> {
  if (snapshotIds.length === 0) return;
  await s.db.deleteFrom("staged_snapshots").where("snapshot_id", "in", snapshotIds).execute();
}

const modeSchema = z.enum(["full", "incremental"]);

function toStaged(row: Selectable<StagedSnapshotsTable>): StagedSnapshot {
  const at = (column: string) => ({ table: "staged_snapshots", column, key: row.point_id });
  return {
    pointId: row.point_id,
    target: row.target,
    region: row.region,
    environment: row.environment,
    source: row.source,
    pointAt: decodeTime(row.point_at, at("point_at")),
    pointSnapshotId: row.point_snapshot_id,
    snapshotId: row.snapshot_id,
    parentSnapshotId: row.parent_snapshot_id,
    mode: decodeValue(row.mode, modeSchema, at("mode")),
    blocksWritten: decodeInteger(row.blocks_written, at("blocks_written")),
    bytesWritten: decodeInteger(row.bytes_written, at("bytes_written")),
    seconds: decodeInteger(row.staged_ms, at("staged_ms")) / 1000,
    stagedAt: decodeTime(row.staged_at, at("staged_at")),
  };
}

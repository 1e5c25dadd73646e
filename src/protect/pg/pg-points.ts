import type { NewPoint } from "../point-log.js";
import type { ArchivedWal } from "./archive-wal.js";
import type { BaseBackupResult } from "./base-backup.js";

/**
 * The recovery point of one archived WAL segment (docs/pg-protection.md, "Recovery points").
 * `at` is the segment's last write (`closedAt`), not the archive time: every commit up to it
 * is in this segment or an earlier one, so `pg restore --at` that instant is covered; commits
 * after it (while the segment was being archived) are in the next segment, so the archive time
 * would overstate what is protected by one archive run. `createdAt` − `at` is the archive lag.
 */
export function walPoint(environment: string, database: string, wal: ArchivedWal): NewPoint {
  return {
    environment,
    source: database,
    kind: "database",
    method: "wal",
    at: new Date(wal.closedAt),
    snapshotId: wal.snapshot,
    sizeBytes: wal.size,
    changedBytes: wal.size,
    groupId: null,
    meta: { file: wal.file, sha256: wal.sha256, archivedAt: wal.archivedAt },
  };
}

/**
 * The recovery point of one base backup: `at` is when it finished, the instant a restore from
 * it alone reaches (`-X fetch` puts the WAL up to its end in the tar); the same rule `pg restore`
 * uses to pick a base.
 */
export function basePoint(environment: string, database: string, base: BaseBackupResult): NewPoint {
  return {
    environment,
    source: database,
    kind: "database",
    method: "base-backup",
    at: new Date(base.finishedAt),
    snapshotId: base.snapshot,
    sizeBytes: base.size,
    changedBytes: base.bytesUploaded,
    groupId: null,
    meta: {
      startedAt: base.startedAt,
      ...(base.startWalFile === undefined ? {} : { startWalFile: base.startWalFile }),
      ...(base.timeline === undefined ? {} : { timeline: base.timeline }),
    },
  };
}

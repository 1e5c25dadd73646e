/**
 * Recovery points (docs/protect.md): a restorable state of one volume or database at one
 * instant, stored as a repository snapshot. Points cut together (a consistency group) share a
 * `groupId` and the same `at`.
 */
export const recoveryPointKinds = ["volume", "database"] as const;
export type RecoveryPointKind = (typeof recoveryPointKinds)[number];

/**
 * How the point's changes were found: block-hash scan, write journal, provider CBT, PostgreSQL
 * base backup or WAL, or a whole logical dump (`pg_dump`, the `snapshot` action's databases).
 */
export const recoveryPointMethods = [
  "scan",
  "journal",
  "cbt",
  "base-backup",
  "wal",
  "dump",
] as const;
export type RecoveryPointMethod = (typeof recoveryPointMethods)[number];

export interface RecoveryPoint {
  readonly id: string;
  readonly environment: string;
  /** A volume id or a database name. */
  readonly source: string;
  readonly kind: RecoveryPointKind;
  readonly method: RecoveryPointMethod;
  /** The instant the point represents. */
  readonly at: Date;
  readonly createdAt: Date;
  /** The repository snapshot holding the data. */
  readonly snapshotId: string;
  readonly sizeBytes: number;
  readonly changedBytes: number;
  readonly groupId: string | null;
  readonly meta: Readonly<Record<string, unknown>>;
}

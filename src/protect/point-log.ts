import type { RecoveryPoint } from "../model/recovery-point.js";

export type NewPoint = Omit<RecoveryPoint, "id" | "createdAt">;

/**
 * Where the protect engine finds and records recovery points (the state store's
 * `recovery_points` table, wired in composition.ts). `record` is called only after the point's
 * snapshot is committed to the repository.
 */
export interface PointLog {
  newest(environment: string, source: string): Promise<RecoveryPoint | null>;
  record(point: NewPoint): Promise<RecoveryPoint>;
  /** Records a consistency group's points in one transaction: all of them or none. */
  recordGroup(points: readonly NewPoint[]): Promise<RecoveryPoint[]>;
  /** The points of one group instance (`groupId`), any order; empty when there is none. */
  group(environment: string, groupId: string): Promise<RecoveryPoint[]>;
  /** A source's points, newest first. */
  list(environment: string, source: string): Promise<RecoveryPoint[]>;
  /** Deletes point rows (retention); their snapshots are removed by the caller afterwards. */
  remove(ids: readonly string[]): Promise<void>;
}

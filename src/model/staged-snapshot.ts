/**
 * Pre-staged mode (docs/hydration.md): a recovery point's image kept ready as a provider block
 * snapshot in a target region, so a recovery makes the volume from it instead of hydrating.
 * Snapshots of one source form a chain: each is started with the previous one as its parent
 * and receives only the blocks that changed since it.
 */
export interface StagedSnapshot {
  /** The recovery point it holds (no foreign key: retention may delete the point row first). */
  readonly pointId: string;
  /** The provider connection (config `providers.<name>`) it lives in… */
  readonly target: string;
  /** …and the region. */
  readonly region: string;
  readonly environment: string;
  readonly source: string;
  /** The point's `at` and its repository snapshot (the next stage diffs against it). */
  readonly pointAt: Date;
  readonly pointSnapshotId: string;
  /** The provider's block snapshot. */
  readonly snapshotId: string;
  /** The previous staged snapshot it was started from; null for a full stage. */
  readonly parentSnapshotId: string | null;
  /**
   * `incremental`: only the blocks that changed since the parent were put (the provider
   * inherits the rest); `full`: every non-zero block of the point was put.
   */
  readonly mode: "full" | "incremental";
  readonly blocksWritten: number;
  readonly bytesWritten: number;
  readonly seconds: number;
  readonly stagedAt: Date;
}

/**
 * A provider's block-level snapshots and the volumes made from them (the EBS direct APIs on
 * AWS): what hydration at recovery writes a recovery point's blocks into, and reads back to
 * prove them byte-exact. One store talks to one region of one connection.
 *
 * Semantics every implementation keeps:
 * - Blocks are `blockSize` bytes (the provider decides: 512 KiB on AWS, 512 B on moto); block
 *   `i` holds bytes `[i × blockSize, (i + 1) × blockSize)` of the volume. A block never written
 *   reads as zeros, so callers skip all-zero blocks.
 * - `putBlock` sends a SHA-256 checksum with the data and the provider verifies it; `getBlock`
 *   verifies the checksum the provider returns. Either mismatch is `LB_PROVIDER_REQUEST_FAILED`.
 * - Idempotency is by `key` (the step's idempotency key): `findSnapshot` and `createVolume` find
 *   what an earlier attempt made by a tag holding it. A `putBlock` of the same block twice is
 *   harmless, so a crashed write restarts on a fresh snapshot without risk.
 * - Errors are LifeboatErrors (`LB_PROVIDER_*`); nothing of the SDK escapes.
 */
export interface BlockSnapshotStore {
  /** Starts an empty snapshot of `sizeGiB`; resolves its id and the block size to write. */
  start(request: StartBlockSnapshot): Promise<{ snapshotId: string; blockSize: number }>;
  putBlock(snapshotId: string, index: number, data: Uint8Array): Promise<void>;
  /** Seals the snapshot after `changedBlocks` puts; resolves once it is usable. */
  complete(snapshotId: string, changedBlocks: number): Promise<void>;
  /** Every written block, ascending, with the token `getBlock` needs; and the block size. */
  listBlocks(snapshotId: string): Promise<{ blockSize: number; blocks: BlockRef[] }>;
  getBlock(snapshotId: string, block: BlockRef): Promise<Uint8Array>;
  /**
   * Blocks that differ between two snapshots of one volume, ascending, each with the token of
   * its content in `second` (changed-block tracking; the protect engine's CBT source). On moto
   * the list misses blocks present only in `second` (docs/protect.md); callers that need them
   * compare `listBlocks` of both.
   */
  listChangedBlocks(
    first: string,
    second: string,
  ): Promise<{ blockSize: number; blocks: BlockRef[] }>;
  /** A snapshot an earlier attempt started under `key`; `finished` once it was marked. */
  findSnapshot(key: string): Promise<{ snapshotId: string; finished: boolean } | undefined>;
  /** Records that the snapshot under its key is complete (a later attempt reuses it). */
  markFinished(snapshotId: string): Promise<void>;
  deleteSnapshot(snapshotId: string): Promise<void>;
  /** Whether a completed snapshot with this id exists (a pre-staged snapshot still usable). */
  snapshotExists(snapshotId: string): Promise<boolean>;
  /** Finds the volume tagged with `key`, else creates it from the snapshot. */
  createVolume(request: CreateVolumeFromSnapshot): Promise<{ volumeId: string; adopted: boolean }>;
  /** Deletes the volume tagged with `key` (detaching it first); `absent` when there is none. */
  deleteVolume(key: string): Promise<"deleted" | "absent">;
  /** Attaches the volume at `device`; already attached there is success. */
  attachVolume(volumeId: string, machineId: string, device: string): Promise<void>;
}

export interface BlockRef {
  readonly index: number;
  readonly token: string;
}

export interface StartBlockSnapshot {
  readonly sizeGiB: number;
  readonly description: string;
  readonly key: string;
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Start from this snapshot's blocks (an incremental snapshot: only changed blocks are put).
   * A provider may ignore it (moto 5.2.1 does): callers check what the result lists.
   */
  readonly parentSnapshotId?: string;
}

export interface CreateVolumeFromSnapshot {
  readonly snapshotId: string;
  readonly zone: string;
  readonly key: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly volumeType?: string;
}

import { createHash } from "node:crypto";
import { LifeboatError } from "../model/errors.js";
import { BoundedJobs, isZero, padded } from "../providers/block-puts.js";
import type { BlockSnapshotStore } from "../providers/block-snapshots.js";

/** Random access to a recovery point's bytes (the repository's `ImageReader` is one). */
export interface BlockSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface HydrateOptions {
  /** The step's idempotency key: a retry reuses what an earlier attempt made. */
  readonly key: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Puts in flight at once; default 16. */
  readonly parallel?: number;
  /** How much of the source to read per window; default 8 MiB. */
  readonly windowBytes?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface HydrateResult {
  readonly snapshotId: string;
  readonly blockSize: number;
  readonly blocks: number;
  readonly blocksWritten: number;
  readonly zeroBlocksSkipped: number;
  readonly bytesWritten: number;
  /** True when an earlier attempt had finished the snapshot and it was reused. */
  readonly reused: boolean;
  readonly seconds: number;
}

const GiB = 1024 ** 3;

/**
 * Writes a recovery point into a new block snapshot in the target: every non-zero block, at
 * most `parallel` puts in flight (each with its SHA-256), then completes the snapshot and
 * marks it finished under `key`. A finished snapshot of an earlier attempt is reused as it is;
 * an unfinished one is deleted and written again (puts are cheap to repeat, a half-written
 * snapshot is not worth trusting).
 */
export async function hydrateSnapshot(
  source: BlockSource,
  store: BlockSnapshotStore,
  options: HydrateOptions,
): Promise<HydrateResult> {
  const started = Date.now();
  const previous = await store.findSnapshot(options.key);
  if (previous?.finished) {
    const { blockSize, blocks } = await store.listBlocks(previous.snapshotId);
    return {
      snapshotId: previous.snapshotId,
      blockSize,
      blocks: Math.ceil(source.size / blockSize),
      blocksWritten: blocks.length,
      zeroBlocksSkipped: Math.ceil(source.size / blockSize) - blocks.length,
      bytesWritten: 0,
      reused: true,
      seconds: (Date.now() - started) / 1000,
    };
  }
  if (previous) await store.deleteSnapshot(previous.snapshotId);
  const { snapshotId, blockSize } = await store.start({
    sizeGiB: Math.max(1, Math.ceil(source.size / GiB)),
    description: options.description,
    key: options.key,
    tags: options.tags,
  });
  const total = Math.ceil(source.size / blockSize);
  let written = 0;
  let done = 0;
  await forEachBlock(source, blockSize, options, async (index, data) => {
    if (!isZero(data)) {
      await store.putBlock(snapshotId, index, padded(data, blockSize));
      written++;
    }
    options.onProgress?.(++done, total);
  });
  await store.complete(snapshotId, written);
  await store.markFinished(snapshotId);
  return {
    snapshotId,
    blockSize,
    blocks: total,
    blocksWritten: written,
    zeroBlocksSkipped: total - written,
    bytesWritten: written * blockSize,
    reused: false,
    seconds: (Date.now() - started) / 1000,
  };
}

export interface VerifyResult {
  /** True when every block read back equals the recovery point's block. */
  readonly identical: boolean;
  readonly blocksCompared: number;
  readonly blocksRead: number;
  /** SHA-256 (hex) of the whole volume as read back, holes as zeros… */
  readonly targetSha256: string;
  /** …and of the recovery point: equal when `identical`. */
  readonly sourceSha256: string;
  /** Up to 20 block indexes that differ (or are present on one side only). */
  readonly mismatches: readonly number[];
  readonly seconds: number;
}

/**
 * Reads every written block back (ListSnapshotBlocks + GetSnapshotBlock) and compares it with
 * the recovery point block by block; blocks never written must be zeros in the source. Both
 * sides are also hashed whole, so the report carries one digest per side.
 */
export async function verifySnapshot(
  source: BlockSource,
  store: BlockSnapshotStore,
  snapshotId: string,
  options: Pick<HydrateOptions, "parallel" | "windowBytes" | "signal"> = {},
): Promise<VerifyResult> {
  const started = Date.now();
  const { blockSize, blocks } = await store.listBlocks(snapshotId);
  const tokens = new Map(blocks.map((b) => [b.index, b]));
  const total = Math.ceil(source.size / blockSize);
  const sourceHashes: Buffer[] = new Array(total);
  const targetHashes: Buffer[] = new Array(total);
  const zeroHash = digest(new Uint8Array(blockSize));
  const mismatches: number[] = [];
  await forEachBlock(source, blockSize, options, async (index, data) => {
    const expected = padded(data, blockSize);
    sourceHashes[index] = digest(expected);
    const ref = tokens.get(index);
    const actual = ref ? await store.getBlock(snapshotId, ref) : undefined;
    targetHashes[index] = actual ? digest(actual) : zeroHash;
    if (!targetHashes[index].equals(sourceHashes[index])) mismatches.push(index);
  });
  for (const b of blocks) if (b.index >= total) mismatches.push(b.index);
  mismatches.sort((a, b) => a - b);
  const whole = (hashes: Buffer[]) => {
    const hash = createHash("sha256");
    for (const h of hashes) hash.update(h);
    return hash.digest("hex");
  };
  return {
    identical: mismatches.length === 0,
    blocksCompared: total,
    blocksRead: blocks.length,
    targetSha256: whole(targetHashes),
    sourceSha256: whole(sourceHashes),
    mismatches: mismatches.slice(0, 20),
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * Calls `fn` for every block of the source, in windows of `windowBytes` read one ahead, with
 * at most `parallel` calls in flight. Rejects with the first failure.
 */
async function forEachBlock(
  source: BlockSource,
  blockSize: number,
  options: Pick<HydrateOptions, "parallel" | "windowBytes" | "signal">,
  fn: (index: number, data: Uint8Array) => Promise<void>,
): Promise<void> {
  const window = Math.max(
    blockSize,
    Math.floor((options.windowBytes ?? 8 << 20) / blockSize) * blockSize,
  );
  const jobs = new BoundedJobs(options.parallel ?? 16);
  const read = (offset: number) =>
    offset < source.size ? source.read(offset, Math.min(window, source.size - offset)) : undefined;
  let next = read(0);
  for (let offset = 0; offset < source.size && !jobs.failed; offset += window) {
    const data = await next!;
    next = read(offset + window);
    for (let at = 0; at < data.length && !jobs.failed; at += blockSize) {
      if (options.signal?.aborted) throw new LifeboatError("LB_CANCELLED", "hydration cancelled");
      await jobs.add(fn((offset + at) / blockSize, data.subarray(at, at + blockSize)));
    }
  }
  await jobs.settle();
}

function digest(data: Uint8Array): Buffer {
  return createHash("sha256").update(data).digest();
}

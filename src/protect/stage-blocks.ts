import type { BlockSnapshotStore } from "../providers/block-snapshots.js";
import { BoundedJobs, isZero, padded } from "../providers/block-puts.js";
import type { BaseImage } from "./change-source.js";

/** Bytes [offset, offset + length) of an image, aligned to whole blocks. */
export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/**
 * The byte ranges of `next` whose chunks differ from `previous` (keyed chunk ids: equal ids
 * mean equal bytes), merged; null when the two cannot be compared chunk by chunk (different
 * size or chunk size), which means "everything".
 */
export function changedChunkRanges(previous: BaseImage, next: BaseImage): ByteRange[] | null {
  if (previous.size !== next.size || previous.chunkSize !== next.chunkSize) return null;
  const cs = next.chunkSize;
  const ranges: { offset: number; length: number }[] = [];
  for (let i = 0; i * cs < next.size; i++) {
    if (previous.chunkId(i) === next.chunkId(i)) continue;
    const length = Math.min(cs, next.size - i * cs);
    const last = ranges.at(-1);
    if (last && last.offset + last.length === i * cs) last.length += length;
    else ranges.push({ offset: i * cs, length });
  }
  return ranges;
}

export interface PutBlocksOptions {
  readonly blockSize: number;
  /** Blocks the parent snapshot holds: a zero block there must be put to overwrite it. */
  readonly parentBlocks: ReadonlySet<number>;
  /**
   * The image the parent snapshot holds: a block equal to it there is not put (the chunk
   * changed, this block of it did not). Absent for a full snapshot.
   */
  readonly previous?: BaseImage;
  /** Puts in flight at once. */
  readonly parallel: number;
  /** Bytes read from the image at once (rounded down to whole blocks). */
  readonly windowBytes: number;
}

/**
 * Puts the blocks of `image` that `ranges` touch into `snapshotId`: blocks equal to the
 * parent's (`previous`) are skipped, all-zero blocks are skipped unless the parent holds them (an incremental snapshot inherits the parent's block otherwise),
 * the last block is zero-padded, at most `parallel` puts are in flight. Resolves the number of
 * blocks put; rejects with the first failure once the puts in flight have settled.
 */
export async function putChangedBlocks(
  image: BaseImage,
  store: BlockSnapshotStore,
  snapshotId: string,
  ranges: readonly ByteRange[],
  options: PutBlocksOptions,
): Promise<number> {
  const bs = options.blockSize;
  const window = Math.max(bs, Math.floor(options.windowBytes / bs) * bs);
  const jobs = new BoundedJobs(options.parallel);
  let written = 0;
  let done = -1;
  for (const range of ranges) {
    const first = Math.max(Math.floor(range.offset / bs), done + 1);
    const end = Math.ceil((range.offset + range.length) / bs);
    for (let block = first; block < end && !jobs.failed;) {
      const from = block * bs;
      const length = Math.min(window, end * bs - from, image.size - from);
      const data = await image.read(from, length);
      const before = await options.previous?.read(from, length);
      for (let at = 0; at < data.length && !jobs.failed; at += bs, block++) {
        const index = block;
        const bytes = padded(data.subarray(at, at + bs), bs);
        if (before && Buffer.compare(bytes, padded(before.subarray(at, at + bs), bs)) === 0) {
          continue;
        }
        if (isZero(bytes) && !options.parentBlocks.has(index)) continue;
        await jobs.add(store.putBlock(snapshotId, index, bytes).then(() => void written++));
      }
    }
    done = end - 1;
  }
  await jobs.settle();
  return written;
}

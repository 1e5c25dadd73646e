import { LifeboatError } from "../../model/errors.js";
import type { Chunker } from "./chunker.js";

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Default chunk size for images and block devices. 1 MiB was chosen by measurement
 * (docs/benchmarks.md, "Fixed chunk size"): a changed 4 KiB block re-uploads 1 MiB instead of
 * 4 MiB, per-chunk overhead is still under 2% of throughput, and 1 M chunks per TiB keeps the
 * index inside its 64 MiB budget.
 */
export const DEFAULT_FIXED_CHUNK_SIZE = 1 * MiB;

/** Smallest and largest fixed chunk sizes a repository accepts. */
export const MIN_FIXED_CHUNK_SIZE = 64 * KiB;
export const MAX_FIXED_CHUNK_SIZE = 16 * MiB;

/** Throws LB_INVALID_INPUT unless `size` is a power of two inside the accepted range. */
export function checkFixedChunkSize(size: number): void {
  const powerOfTwo = Number.isInteger(size) && size > 0 && (size & (size - 1)) === 0;
  if (!powerOfTwo || size < MIN_FIXED_CHUNK_SIZE || size > MAX_FIXED_CHUNK_SIZE) {
    throw new LifeboatError(
      "LB_INVALID_INPUT",
      `fixed chunk size ${size} must be a power of two from 64 KiB to 16 MiB`,
      { details: { size } },
    );
  }
}

/**
 * Cuts a stream at every multiple of `size`, so chunk `i` always covers bytes
 * `[i*size, (i+1)*size)` of an image: a changed block maps to exactly one chunk, and an
 * incremental backup from a changed-range list never needs to read its neighbours.
 */
export class FixedChunker implements Chunker {
  readonly size: number;
  private offset = 0;

  constructor(size: number = DEFAULT_FIXED_CHUNK_SIZE) {
    checkFixedChunkSize(size);
    this.size = size;
  }

  push(data: Uint8Array): number[] {
    const start = this.offset;
    this.offset += data.length;
    const cuts: number[] = [];
    for (let cut = (Math.floor(start / this.size) + 1) * this.size; cut <= this.offset;) {
      cuts.push(cut);
      cut += this.size;
    }
    return cuts;
  }

  finish(): number[] {
    const end = this.offset;
    this.offset = 0;
    return end % this.size === 0 ? [] : [end];
  }
}

/** The chunk indexes `[first, last]` that the byte range `[offset, offset+length)` touches. */
export function fixedChunksTouched(
  offset: number,
  length: number,
  size: number = DEFAULT_FIXED_CHUNK_SIZE,
): { first: number; last: number } | null {
  if (length <= 0) return null;
  return { first: Math.floor(offset / size), last: Math.floor((offset + length - 1) / size) };
}

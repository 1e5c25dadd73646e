import { LifeboatError } from "../../model/errors.js";

const KiB = 1024;
const MiB = 1024 * KiB;

/** Chunk size bounds of the content-defined chunker, in bytes. */
export interface FastCdcParams {
  /** No cut before this many bytes (hashing is skipped up to here). */
  readonly min: number;
  /** The target (normal) size; a power of two. */
  readonly avg: number;
  /** A chunk is cut here when no content boundary was found. */
  readonly max: number;
}

/**
 * Defaults: restic's bounds (512 KiB / 1 MiB / 8 MiB). With normalized chunking level 2 the
 * mean chunk lands near 1 MiB, so 1 TiB of data makes about 1 M chunks, which the index budget
 * (64 MiB per 1 M chunks) is sized for; smaller chunks dedup slightly better but cost index
 * memory and per-chunk overhead.
 */
export const DEFAULT_FASTCDC_PARAMS: FastCdcParams = Object.freeze({
  min: 512 * KiB,
  avg: 1 * MiB,
  max: 8 * MiB,
});

/** Normalized chunking level: the strict mask has 2 more bits, the loose mask 2 fewer. */
export const NORMALIZATION_LEVEL = 2;

/** The two masks of normalized chunking, on the top bits of the 32-bit gear hash. */
export interface FastCdcMasks {
  /** Used from `min` to `avg`: harder to match, so fewer chunks end early. */
  readonly strict: number;
  /** Used from `avg` to `max`: easier to match, so fewer chunks run to `max`. */
  readonly loose: number;
}

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

/** Throws LB_INVALID_INPUT unless the bounds are usable: 64 B ≤ min ≤ avg ≤ max ≤ 1 GiB. */
export function checkFastCdcParams(params: FastCdcParams): void {
  const { min, avg, max } = params;
  const problem = !isPowerOfTwo(avg)
    ? "avg must be a power of two"
    : !Number.isInteger(min) || !Number.isInteger(max)
      ? "min and max must be whole numbers of bytes"
      : !(64 <= min && min <= avg && avg <= max && max <= 1024 * MiB)
        ? "need 64 <= min <= avg <= max <= 1 GiB"
        : avg < 2 ** (NORMALIZATION_LEVEL + 2) || avg > 2 ** (30 - NORMALIZATION_LEVEL)
          ? "avg is out of range for normalized chunking"
          : null;
  if (problem !== null) {
    throw new LifeboatError("LB_INVALID_INPUT", `FastCDC parameters: ${problem}`, {
      details: { min, avg, max },
    });
  }
}

/** A 32-bit mask (as a signed int32) with the top `bits` bits set. */
function topBits(bits: number): number {
  return bits === 0 ? 0 : (~0 << (32 - bits)) | 0;
}

/**
 * The masks for `avg`. They test the hash's top bits, the ones that depend on the most recent
 * 32 bytes (the low bits only see the last few bytes; borg#7674 explains why FastCDC's spread
 * mask is weaker than the top bits).
 */
export function fastCdcMasks(avg: number): FastCdcMasks {
  const bits = Math.log2(avg);
  return {
    strict: topBits(bits + NORMALIZATION_LEVEL),
    loose: topBits(bits - NORMALIZATION_LEVEL),
  };
}

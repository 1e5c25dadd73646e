/**
 * zstd compression of single blobs (chunks and trees), synchronous so it can run inside worker
 * threads without a round trip through the event loop. Node 20 has no zstd in node:zlib, so
 * this uses the native zstd-napi binding (built from the zstd sources in its npm tarball when
 * no prebuilt binary can be downloaded). docs/benchmarks.md records why it won over the
 * WebAssembly packages and why level 3 is the default.
 *
 * Frames carry their content size and a content checksum: the AEAD around every blob already
 * detects tampering, and the checksum catches a bug that hands the wrong bytes to zstd.
 */
import { createRequire } from "node:module";
import type * as ZstdBinding from "zstd-napi/binding.js";
import { BugError, LifeboatError } from "../model/errors.js";

type Binding = typeof ZstdBinding;
const zstd = createRequire(import.meta.url)("zstd-napi/binding") as Binding;

/** The default zstd level: the measured best size/speed trade-off for backup data. */
export const DEFAULT_COMPRESSION_LEVEL = 3;
/** Blobs larger than this are first tested on a sample of this size. */
export const SAMPLE_SIZE = 64 * 1024;
/** The largest raw length decompressBlob accepts; no chunker makes blobs near this. */
export const MAX_RAW_LENGTH = 1024 * 1024 * 1024;

// One context per thread: creating a zstd context per blob costs more than compressing 64 KiB.
const contexts = new Map<number, InstanceType<Binding["CCtx"]>>();
let dctx: InstanceType<Binding["DCtx"]> | undefined;
let scratch = new Uint8Array(0);

function contextFor(level: number): InstanceType<Binding["CCtx"]> {
  let cctx = contexts.get(level);
  if (cctx === undefined) {
    cctx = new zstd.CCtx();
    cctx.setParameter(zstd.CParameter.compressionLevel, level);
    cctx.setParameter(zstd.CParameter.checksumFlag, 1);
    contexts.set(level, cctx);
  }
  return cctx;
}

/** Compresses into at most `limit` bytes of scratch space; the size, or -1 if it did not fit. */
function compressWithin(plain: Uint8Array, limit: number, level: number): number {
  if (scratch.length < limit) scratch = new Uint8Array(Math.max(limit, scratch.length * 2));
  try {
    return contextFor(level).compress2(scratch.subarray(0, limit), plain);
  } catch (error) {
    if (error instanceof Error && /too small/i.test(error.message)) return -1;
    throw new BugError(`zstd compression failed: ${String(error)}`, { cause: error });
  }
}

/**
 * Compresses one blob. Returns null when compression would save less than 1/8 of the size
 * (the caller then stores the blob raw). A blob larger than 128 KiB whose first 64 KiB does not
 * compress by 1/8 at level 1 is declared incompressible without compressing the rest: random
 * and already-compressed data (media, archives, encrypted volumes) costs almost nothing.
 */
export function compressBlob(
  plain: Uint8Array,
  level: number = DEFAULT_COMPRESSION_LEVEL,
): Uint8Array | null {
  if (plain.length > 2 * SAMPLE_SIZE) {
    const sample = plain.subarray(0, SAMPLE_SIZE);
    if (compressWithin(sample, (SAMPLE_SIZE * 7) / 8, 1) < 0) return null;
  }
  const limit = Math.floor((plain.length * 7) / 8);
  if (limit === 0) return null;
  const size = compressWithin(plain, limit, level);
  return size < 0 ? null : scratch.slice(0, size);
}

function corrupt(message: string, cause?: unknown): LifeboatError {
  return new LifeboatError("LB_REPO_PACK_CORRUPT", `compressed blob is corrupt: ${message}`, {
    cause,
  });
}

/**
 * Decompresses one blob written by {@link compressBlob}. `rawLength` (from the pack header or
 * index) bounds the output, so a damaged frame can never make this allocate more. Any damage
 * (bad frame, checksum mismatch, wrong length) is `LB_REPO_PACK_CORRUPT`, never a crash.
 */
export function decompressBlob(data: Uint8Array, rawLength: number, into?: Uint8Array): Uint8Array {
  if (!Number.isSafeInteger(rawLength) || rawLength < 0 || rawLength > MAX_RAW_LENGTH) {
    throw corrupt(`impossible raw length ${rawLength}`);
  }
  const out =
    into !== undefined && into.length >= rawLength
      ? into.subarray(0, rawLength)
      : new Uint8Array(rawLength);
  let size: number;
  try {
    dctx ??= new zstd.DCtx();
    size = dctx.decompress(out, data);
  } catch (error) {
    // A failed call can leave the context mid-frame; start the next blob from a clean one.
    dctx = undefined;
    throw corrupt(error instanceof Error ? error.message : String(error), error);
  }
  if (size !== rawLength) throw corrupt(`expected ${rawLength} bytes, got ${size}`);
  return out;
}

import type { Compression } from "./codec.js";
import { compressBlob, decompressBlob } from "./compression.js";

/**
 * The repository's default compression: zstd per blob (src/repository/compression.ts), which
 * declines blobs that would not shrink by at least 1/8 — those are stored raw.
 */
export const zstdCompression: Compression = {
  compress: (plain) => compressBlob(plain),
  decompress: (data, rawLength, into) => decompressBlob(data, rawLength, into),
};

/**
 * The contract every chunker implements: a stream of bytes goes in as buffers of any size, and
 * chunk boundaries come out as absolute stream offsets. Where the boundaries fall depends only
 * on the bytes (and the chunker's parameters and key), never on how the caller split the stream
 * into buffers, so two backups of the same data produce the same chunks.
 */
export interface Chunker {
  /**
   * Feeds the next bytes of the stream. Returns the end offsets (absolute, counted from the
   * start of the stream, ascending) of every chunk completed inside these bytes. The chunker
   * keeps no reference to `data` after returning.
   */
  push(data: Uint8Array): number[];
  /**
   * Ends the stream: returns the end offset of the last, partial chunk, or nothing when the
   * stream ended exactly on a boundary (or was empty). The chunker may be reused afterwards
   * and starts a new stream at offset 0.
   */
  finish(): number[];
}

/** Splits `data` into chunks with a fresh pass of `chunker`; a convenience for whole buffers. */
export function chunkAll(chunker: Chunker, data: Uint8Array): number[] {
  return [...chunker.push(data), ...chunker.finish()];
}

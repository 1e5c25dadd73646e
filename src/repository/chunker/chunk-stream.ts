import { invariant } from "../../model/errors.js";
import type { Chunker } from "./chunker.js";

/** One chunk of a stream: its offset in the stream and its bytes. */
export interface StreamChunk {
  readonly offset: number;
  /**
   * The chunk's bytes. When a chunk lies inside one input buffer this is a view of that buffer
   * (no copy), so a source must not overwrite a buffer after yielding it; Node's file and
   * network streams never do.
   */
  readonly data: Uint8Array;
}

/**
 * Splits a stream of buffers of any size into chunks at the boundaries `chunker` finds.
 * Holds at most one chunk plus one input buffer in memory. The chunker is left reset.
 */
export async function* chunkStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  chunker: Chunker,
): AsyncGenerator<StreamChunk> {
  // Buffered input not yet emitted, starting at stream offset `start`.
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let start = 0;

  const take = (end: number): StreamChunk => {
    const length = end - start;
    invariant(length > 0 && length <= pendingBytes, "chunker cut outside buffered input");
    let data: Uint8Array;
    const first = pending[0]!;
    if (first.length >= length) {
      data = first.subarray(0, length);
      pending[0] = first.subarray(length);
      if (pending[0].length === 0) pending.shift();
    } else {
      data = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const part = pending[0]!;
        const n = Math.min(part.length, length - filled);
        data.set(part.subarray(0, n), filled);
        filled += n;
        if (n === part.length) pending.shift();
        else pending[0] = part.subarray(n);
      }
    }
    const chunk = { offset: start, data };
    start = end;
    pendingBytes -= length;
    return chunk;
  };

  try {
    for await (const buffer of source) {
      if (buffer.length === 0) continue;
      pending.push(buffer);
      pendingBytes += buffer.length;
      for (const cut of chunker.push(buffer)) yield take(cut);
    }
    for (const cut of chunker.finish()) yield take(cut);
    invariant(pendingBytes === 0, "input left over after the last chunk");
  } finally {
    pending = [];
  }
}

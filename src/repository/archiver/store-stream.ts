import { chunkStream } from "../chunker/chunk-stream.js";
import type { Chunker } from "../chunker/chunker.js";
import type { ArchiveContext } from "./archive-context.js";

/**
 * Reads `source` to its end, cuts it with `chunker` and queues every chunk; resolves when the
 * source is consumed, with one promise per chunk for its id (in stream order). Reading goes on
 * while earlier chunks are hashed, sealed and uploaded; `submit` applies backpressure.
 */
export async function queueStream(
  ctx: ArchiveContext,
  source: AsyncIterable<Uint8Array>,
  chunker: Chunker,
): Promise<Promise<string>[]> {
  const ids: Promise<string>[] = [];
  for await (const chunk of chunkStream(source, chunker)) {
    ids.push((await ctx.pipeline.submit(chunk.data)).id);
  }
  return ids;
}

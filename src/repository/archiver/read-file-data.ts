import type { FileHandle } from "node:fs/promises";
import type { TransferCounters } from "./backup-progress.js";

/** Read size: large enough for sequential throughput, small against the in-flight bound. */
export const readBlockSize = 4 * 1024 * 1024;
/** Hole granularity: a file system block. */
export const holePage = 4096;

const zeroPage = new Uint8Array(holePage);

/** True when every byte of `data` is zero (memcmp against a zero buffer, page by page). */
export function isZero(data: Uint8Array): boolean {
  for (let at = 0; at < data.length; at += holePage) {
    const part = data.subarray(at, at + holePage);
    if (Buffer.compare(part, zeroPage.subarray(0, part.length)) !== 0) return false;
  }
  return true;
}

/** Appends `[offset, length]` to `holes`, merging with the previous hole when adjacent. */
export function addHole(holes: [number, number][], offset: number, length: number): void {
  const last = holes.at(-1);
  if (last && last[0] + last[1] === offset) last[1] += length;
  else holes.push([offset, length]);
}

/**
 * Reads a file front to back. With `holes`, every aligned all-zero 4 KiB page is recorded as a
 * hole instead of yielded, so the yielded bytes are the file without its holes (the `content`
 * of a sparse tree node). Used only for files the file system reports as sparse, so a file of
 * real zeros keeps its blocks. Each yielded buffer is freshly allocated (never reused).
 */
export async function* readFileData(
  handle: FileHandle,
  counters: TransferCounters,
  holes?: [number, number][],
): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (;;) {
    const buffer = Buffer.allocUnsafeSlow(readBlockSize);
    const { bytesRead } = await handle.read(buffer, 0, readBlockSize, offset);
    if (bytesRead === 0) return;
    const data = buffer.subarray(0, bytesRead);
    counters.bytesDone += bytesRead;
    if (holes === undefined) yield data;
    else yield* splitHoles(data, offset, holes);
    offset += bytesRead;
  }
}

function* splitHoles(
  data: Uint8Array,
  offset: number,
  holes: [number, number][],
): Generator<Uint8Array> {
  let runStart = 0;
  for (let at = 0; at < data.length; at += holePage) {
    const page = data.subarray(at, at + holePage);
    if (!isZero(page)) continue;
    if (at > runStart) yield data.subarray(runStart, at);
    addHole(holes, offset + at, page.length);
    runStart = at + page.length;
  }
  if (runStart < data.length) yield data.subarray(runStart);
}

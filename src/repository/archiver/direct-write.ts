/**
 * Direct I/O (`O_DIRECT`) for restore workers: positioned writes that bypass the page cache.
 * Direct I/O needs the memory address, the file offset and the length aligned to the device's
 * logical block; 4 KiB covers every common device. Node cannot allocate aligned memory, so a
 * buffer's aligned start is found by probing (a direct write from a misaligned address fails
 * with EINVAL) against a scratch descriptor the main thread opened for that purpose.
 */
import { write, writeSync, writev } from "node:fs";
import { promisify } from "node:util";

const writeAsync = promisify(write);
const writevAsync = promisify(writev);

export const directBlock = 4096;

/**
 * A zeroed buffer of `size` bytes whose start is block-aligned in memory, or undefined when no
 * offset passes the probe (allocations are at least 16-byte aligned).
 */
export function alignedBuffer(size: number, probeFd: number): Uint8Array | undefined {
  const memory = new Uint8Array(size + directBlock);
  for (let offset = 0; offset < directBlock; offset += 16) {
    try {
      writeSync(probeFd, memory, offset, directBlock, 0);
      return memory.subarray(offset, offset + size);
    } catch (error) {
      if ((error as { code?: unknown }).code !== "EINVAL") throw error;
    }
  }
  return undefined;
}

/**
 * Writes `buffers` back to back at `position`, resuming after short writes, on libuv's thread
 * pool, so the calling thread goes on meanwhile.
 */
export async function writeAllAtAsync(
  fd: number,
  buffers: Uint8Array[],
  position: number,
): Promise<void> {
  let done =
    buffers.length === 1
      ? (await writeAsync(fd, buffers[0]!, 0, buffers[0]!.length, position)).bytesWritten
      : (await writevAsync(fd, buffers, position)).bytesWritten;
  for (const buffer of buffers) {
    if (done >= buffer.length) {
      done -= buffer.length;
      position += buffer.length;
      continue;
    }
    for (let at = done; at < buffer.length;) {
      const result = await writeAsync(fd, buffer, at, buffer.length - at, position + at);
      at += result.bytesWritten;
    }
    position += buffer.length;
    done = 0;
  }
}

/**
 * Writes `buffers` back to back at `position`: the block-aligned head (buffers inside the
 * aligned `base`, at aligned offsets) with `directFd`, the rest — a file's unaligned tail, or
 * pieces around holes that do not fall on blocks — with `fd` through the page cache. Both
 * descriptors are open on the same file and the two parts do not overlap; the kernel keeps the
 * two paths coherent. Runs on libuv's thread pool.
 */
export async function writeMostlyDirect(
  fd: number,
  directFd: number,
  base: Uint8Array,
  buffers: Uint8Array[],
  position: number,
): Promise<void> {
  const head: Uint8Array[] = [];
  let headBytes = 0;
  if (position % directBlock === 0) {
    for (const buffer of buffers) {
      const inBase =
        buffer.buffer === base.buffer && (buffer.byteOffset - base.byteOffset) % directBlock === 0;
      const aligned = buffer.length - (buffer.length % directBlock);
      if (!inBase || aligned === 0) break;
      head.push(buffer.subarray(0, aligned));
      headBytes += aligned;
      if (aligned !== buffer.length) break;
    }
  }
  const rest: Uint8Array[] = [];
  let skip = headBytes;
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  await Promise.all([
    head.length > 0 ? writeAllAtAsync(directFd, head, position) : undefined,
    rest.length > 0 ? writeAllAtAsync(fd, rest, position + headBytes) : undefined,
  ]);
}

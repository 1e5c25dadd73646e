import { open, readFile, realpath, stat } from "node:fs/promises";
import { basename } from "node:path";
import { LifeboatError } from "../../model/errors.js";
import { fixedChunksTouched } from "../chunker/fixed-chunker.js";
import type { ArchiveContext } from "./archive-context.js";
import { chunkCount, type ImageLayout } from "./image-layout.js";
import { isZero } from "./read-file-data.js";

/** A byte range of an image that changed since the parent snapshot. */
export interface ChangedRange {
  readonly offset: number;
  readonly length: number;
}

/**
 * An image that is not a file to open: a point-in-time view (a journal replayed over the parent,
 * a provider snapshot read block by block). `read` fills `buffer` with the bytes at `offset`.
 */
export interface ImageSource {
  readonly size: number;
  read(buffer: Uint8Array, offset: number): Promise<void>;
  close?(): Promise<void>;
}

export interface ImageBackupOptions {
  readonly chunkSize: number;
  /**
   * With `changed`: the parent snapshot's layout. Only chunks the ranges touch are read; every
   * other position keeps the parent's chunk id (cost proportional to the change).
   */
  readonly parent?: ImageLayout;
  readonly changed?: readonly ChangedRange[];
}

/** An image file's size, or a block device's (from sysfs: stat reports 0 for devices). */
export async function imageSize(path: string): Promise<number> {
  const st = await stat(path);
  if (!st.isBlockDevice()) return st.size;
  const name = basename(await realpath(path));
  const sectors = await readFile(`/sys/class/block/${name}/size`, "utf8").catch(() => null);
  if (sectors === null) {
    throw new LifeboatError("LB_INVALID_INPUT", `cannot find the size of block device ${path}`);
  }
  return Number(sectors.trim()) * 512;
}

/**
 * Backs up an image or block device in fixed-size chunks aligned to `chunkSize`, so a changed
 * block maps to one chunk. All-zero chunks become holes and store nothing. Chunks are read in
 * order, one buffer each, while earlier ones are hashed, sealed and uploaded.
 */
export async function archiveImage(
  ctx: ArchiveContext,
  input: string | ImageSource,
  options: ImageBackupOptions,
): Promise<ImageLayout> {
  const { chunkSize, parent, changed } = options;
  const source = typeof input === "string" ? await fileSource(input) : input;
  const size = source.size;
  const count = chunkCount(size, chunkSize);
  let todo: number[];
  const slots: (Promise<string | null> | string | null)[] = new Array(count).fill(null);
  if (changed !== undefined && parent !== undefined) {
    if (parent.chunkSize !== chunkSize) {
      throw new LifeboatError(
        "LB_INVALID_INPUT",
        `the parent snapshot uses ${parent.chunkSize}-byte chunks, not ${chunkSize}`,
      );
    }
    const touched = new Set<number>();
    for (let i = 0; i < count; i++) {
      const kept = i < parent.positions.length && (i + 1) * chunkSize <= parent.size;
      if (kept) slots[i] = parent.positions[i]!;
      else touched.add(i); // grown image, or the parent's partial last chunk
    }
    for (const range of changed) {
      const span = fixedChunksTouched(range.offset, range.length, chunkSize);
      if (span === null) continue;
      for (let i = span.first; i <= Math.min(span.last, count - 1); i++) touched.add(i);
    }
    todo = [...touched].sort((a, b) => a - b);
  } else {
    todo = Array.from({ length: count }, (_, i) => i);
  }
  ctx.counters.bytesTotal = todo.reduce((n, i) => n + Math.min(chunkSize, size - i * chunkSize), 0);
  try {
    for (const i of todo) {
      const length = Math.min(chunkSize, size - i * chunkSize);
      const buffer = ctx.pipeline.buffer(length);
      await source.read(buffer, i * chunkSize);
      ctx.counters.bytesDone += length;
      if (isZero(buffer)) {
        slots[i] = null;
        ctx.pipeline.recycle(buffer);
      } else slots[i] = (await ctx.pipeline.submit(buffer)).id;
    }
  } finally {
    await source.close?.();
  }
  const positions = await Promise.all(slots);
  ctx.counters.filesDone++;
  return { size, chunkSize, positions };
}

async function fileSource(path: string): Promise<ImageSource> {
  const size = await imageSize(path);
  const handle = await open(path, "r");
  return {
    size,
    async read(buffer, offset) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead !== buffer.length) {
        throw new LifeboatError("LB_INVALID_INPUT", `${path} shrank while it was read`);
      }
    },
    close: () => handle.close(),
  };
}

import { open, readFile, realpath, stat } from "node:fs/promises";
import { basename } from "node:path";
import { LifeboatError } from "../../model/errors.js";
import type { ArchiveContext } from "./archive-context.js";
import { chunkCount, type ImageLayout } from "./image-layout.js";
import { planIncremental, type IncrementalPlan } from "./image-patch-plan.js";
import type { ImagePatch } from "./image-patches.js";
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
   * With `changed`: the parent snapshot's layout. Only the changed bytes are read (stored as
   * patches) or, past the consolidation bounds, the chunks they touch; every other position
   * keeps the parent's chunk id and patches (cost proportional to the change).
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
 * order, one buffer each, while earlier ones are hashed, sealed and uploaded. With `changed`
 * and `parent`, a touched chunk is usually not read whole: only its changed bytes are, stored
 * as patches over the parent's chunk (image-patch-plan.ts decides), so the cost follows the
 * change rather than the chunks it touches.
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
  let plan: IncrementalPlan;
  if (changed !== undefined && parent !== undefined) {
    if (parent.chunkSize !== chunkSize) {
      throw new LifeboatError(
        "LB_INVALID_INPUT",
        `the parent snapshot uses ${parent.chunkSize}-byte chunks, not ${chunkSize}`,
      );
    }
    plan = planIncremental(parent, changed, size, chunkSize);
  } else {
    plan = { base: new Array<undefined>(count).fill(undefined), patches: new Map() };
  }
  const slots: (Promise<string | null> | string | null)[] = new Array(count).fill(null);
  const newPatches = new Map<number, { range: ChangedRange; id: Promise<string> }[]>();
  const chunkLength = (i: number) => Math.min(chunkSize, size - i * chunkSize);
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (plan.base[i] === undefined) total += chunkLength(i);
    for (const r of plan.patches.get(i)?.read ?? []) total += r.length;
  }
  ctx.counters.bytesTotal = total;
  try {
    for (let i = 0; i < count; i++) {
      const kept = plan.base[i];
      if (kept !== undefined) {
        slots[i] = kept;
        const reads = plan.patches.get(i)?.read ?? [];
        if (reads.length > 0) newPatches.set(i, await readPatches(ctx, source, reads));
        continue;
      }
      const length = chunkLength(i);
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
  const patches: ImagePatch[] = [];
  for (const i of [...plan.patches.keys()].sort((a, b) => a - b)) {
    patches.push(...plan.patches.get(i)!.keep);
    for (const { range, id } of newPatches.get(i) ?? []) {
      patches.push({ offset: range.offset, length: range.length, id: await id });
    }
  }
  ctx.counters.filesDone++;
  return { size, chunkSize, positions, ...(patches.length > 0 ? { patches } : {}) };
}

/** Reads each range (inside one chunk) and stores it as a data blob through the pipeline. */
async function readPatches(
  ctx: ArchiveContext,
  source: ImageSource,
  ranges: readonly ChangedRange[],
): Promise<{ range: ChangedRange; id: Promise<string> }[]> {
  const out: { range: ChangedRange; id: Promise<string> }[] = [];
  for (const range of ranges) {
    const buffer = ctx.pipeline.buffer(range.length);
    await source.read(buffer, range.offset);
    ctx.counters.bytesDone += range.length;
    out.push({ range, id: (await ctx.pipeline.submit(buffer)).id });
  }
  return out;
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

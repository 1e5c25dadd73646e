import type { ChangedRange } from "./image-backup.js";
import { chunkCount, type ImageLayout } from "./image-layout.js";
import {
  MAX_PATCH_FRACTION_INVERSE,
  MAX_PATCHES_PER_CHUNK,
  type ImagePatch,
} from "./image-patches.js";

/** The patches one chunk ends up with: inherited ones still visible, then new ranges to read. */
export interface ChunkPatches {
  readonly keep: readonly ImagePatch[];
  readonly read: readonly ChangedRange[];
}

/** What a changed-range backup reads and what it carries over from the parent. */
export interface IncrementalPlan {
  /** Per chunk: the parent's base id (null: a hole) kept as is, or undefined: read it whole. */
  readonly base: (string | null | undefined)[];
  /** Chunks that end up with patches, by index (only chunks whose base is kept). */
  readonly patches: ReadonlyMap<number, ChunkPatches>;
}

/** Sorts, clips to [0, size) and unites the ranges (touching ranges become one). */
export function mergeRanges(ranges: readonly ChangedRange[], size: number): ChangedRange[] {
  const clipped = ranges
    .map((r) => ({ start: Math.max(0, r.offset), end: Math.min(size, r.offset + r.length) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const r of clipped) {
    const last = merged.at(-1);
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged.map((r) => ({ offset: r.start, length: r.end - r.start }));
}

/**
 * Decides per chunk between a patch (read only the changed bytes) and a whole rewrite (read the
 * chunk, new base id, its patches dropped): whole when the chunk is new, grown or the partial
 * last one, or when its patches would pass the consolidation bounds (image-patches.ts).
 * Inherited patches that a new range fully covers are dropped: nothing of them shows.
 */
export function planIncremental(
  parent: ImageLayout,
  changed: readonly ChangedRange[],
  size: number,
  chunkSize: number,
): IncrementalPlan {
  const count = chunkCount(size, chunkSize);
  const base: (string | null | undefined)[] = new Array<string | null | undefined>(count);
  for (let i = 0; i < count; i++) {
    const full = (i + 1) * chunkSize <= Math.min(parent.size, size);
    const kept = i < parent.positions.length && full;
    base[i] = kept ? parent.positions[i] : undefined;
  }
  const inherited = byChunk(parent.patches ?? [], chunkSize);
  const reads = new Map<number, ChangedRange[]>();
  for (const range of mergeRanges(changed, size)) {
    const end = range.offset + range.length;
    for (let at = range.offset; at < end;) {
      const i = Math.floor(at / chunkSize);
      const stop = Math.min(end, (i + 1) * chunkSize);
      const list = reads.get(i) ?? [];
      list.push({ offset: at, length: stop - at });
      reads.set(i, list);
      at = stop;
    }
  }
  const patches = new Map<number, ChunkPatches>();
  for (const [i, keep] of inherited) {
    if (i < count && base[i] !== undefined && !reads.has(i)) patches.set(i, { keep, read: [] });
  }
  for (const [i, read] of reads) {
    if (base[i] === undefined) continue;
    const keep = (inherited.get(i) ?? []).filter(
      (p) => !read.some((r) => r.offset <= p.offset && p.offset + p.length <= r.offset + r.length),
    );
    const bytes = [...keep, ...read].reduce((n, p) => n + p.length, 0);
    const tooMany = keep.length + read.length > MAX_PATCHES_PER_CHUNK;
    if (tooMany || bytes * MAX_PATCH_FRACTION_INVERSE > chunkSize) base[i] = undefined;
    else patches.set(i, { keep, read });
  }
  return { base, patches };
}

function byChunk(patches: readonly ImagePatch[], chunkSize: number): Map<number, ImagePatch[]> {
  const out = new Map<number, ImagePatch[]>();
  for (const p of patches) {
    const i = Math.floor(p.offset / chunkSize);
    const list = out.get(i) ?? [];
    list.push(p);
    out.set(i, list);
  }
  return out;
}

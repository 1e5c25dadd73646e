import { LifeboatError } from "../../model/errors.js";
import type { TreeNode } from "../tree.js";

/**
 * Bytes [offset, offset+length) of an image replaced by the data blob `id` (whose plaintext is
 * exactly `length` bytes), laid over the node's base chunks (docs/repository-format.md, "Trees").
 */
export interface ImagePatch {
  readonly offset: number;
  readonly length: number;
  readonly id: string;
}

/**
 * Consolidation bounds for a changed-range backup: a chunk whose patches would cover more than
 * `1 / MAX_PATCH_FRACTION_INVERSE` of its bytes, or number more than `MAX_PATCHES_PER_CHUNK`, is
 * read and stored whole instead (its patches dropped), so restore never reads much more than
 * the image and a chunk never collects an unbounded list.
 */
export const MAX_PATCHES_PER_CHUNK = 16;
export const MAX_PATCH_FRACTION_INVERSE = 4;

/** A byte range of the image a piece of a patch blob lands on (the shape of `Piece`). */
export interface PatchPiece {
  readonly fileOffset: number;
  readonly from: number;
  readonly length: number;
}

/**
 * The patches of an image node, checked: every patch is non-empty, lies inside one chunk and
 * inside the image. A node that breaks this is corrupt (it cannot have been written by us).
 */
export function patchesOfNode(node: TreeNode, what: string): ImagePatch[] {
  const raw = node.patches;
  if (raw === undefined) return [];
  const size = node.size ?? 0;
  const chunkSize = node.chunkSize;
  const patches = raw.map(([offset, length, id]) => ({ offset, length, id }));
  for (const { offset, length } of patches) {
    const sameChunk =
      chunkSize !== undefined &&
      Math.floor(offset / chunkSize) === Math.floor((offset + length - 1) / chunkSize);
    if (length < 1 || offset + length > size || !sameChunk) {
      throw new LifeboatError(
        "LB_REPO_PACK_CORRUPT",
        `${what}: patch ${offset}+${length} crosses a chunk or the end of the image`,
        { details: { object: what, offset, length } },
      );
    }
  }
  return patches;
}

/** The tree-node field for `patches` (absent when there are none). */
export function patchesToNode(patches: readonly ImagePatch[]): Pick<TreeNode, "patches"> {
  if (patches.length === 0) return {};
  return { patches: patches.map((p) => [p.offset, p.length, p.id] as [number, number, string]) };
}

/**
 * What each patch still shows once every later patch is laid over it: disjoint pieces, so the
 * patches can be written in any order (or in parallel) with the result of applying them in list
 * order. A patch nothing of which shows gets no pieces (its blob need not be read).
 */
export function visiblePatchPieces(
  patches: readonly ImagePatch[],
  chunkSize: number,
): { patch: ImagePatch; pieces: PatchPiece[] }[] {
  // Patches lie inside one chunk, so only patches of the same chunk can overlap.
  const covered = new Map<number, { start: number; end: number }[]>();
  const out: { patch: ImagePatch; pieces: PatchPiece[] }[] = [];
  for (let i = patches.length - 1; i >= 0; i--) {
    const patch = patches[i]!;
    const key = Math.floor(patch.offset / chunkSize);
    const later = covered.get(key) ?? [];
    const pieces: PatchPiece[] = [];
    let at = patch.offset;
    const end = patch.offset + patch.length;
    for (const c of later) {
      if (c.end <= at) continue;
      if (c.start >= end) break;
      if (c.start > at)
        pieces.push({ fileOffset: at, from: at - patch.offset, length: c.start - at });
      at = Math.max(at, c.end);
      if (at >= end) break;
    }
    if (at < end) pieces.push({ fileOffset: at, from: at - patch.offset, length: end - at });
    covered.set(key, union(later, patch.offset, end));
    out.push({ patch, pieces });
  }
  return out.reverse();
}

function union(
  sorted: readonly { start: number; end: number }[],
  start: number,
  end: number,
): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let placed = false;
  for (const c of sorted) {
    if (c.end < start) out.push(c);
    else if (c.start > end) {
      if (!placed) out.push({ start, end });
      placed = true;
      out.push(c);
    } else {
      start = Math.min(start, c.start);
      end = Math.max(end, c.end);
    }
  }
  if (!placed) out.push({ start, end });
  return out;
}

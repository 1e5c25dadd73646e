import { LifeboatError } from "../../model/errors.js";
import type { TreeNode } from "../tree.js";
import { patchesOfNode, patchesToNode, type ImagePatch } from "./image-patches.js";

/**
 * An image as one entry per fixed-size chunk position: the blob id, or null for an all-zero
 * chunk (stored as a hole, no data). The tree node stores the same thing compactly
 * (docs/repository-format.md, "Trees"): `sparse` holes aligned to `chunkSize` and `content`
 * listing the non-hole chunks in order. `patches` are laid over those base chunks in list order
 * (a later patch wins where two overlap); each lies inside one chunk.
 */
export interface ImageLayout {
  readonly size: number;
  readonly chunkSize: number;
  readonly positions: (string | null)[];
  readonly patches?: readonly ImagePatch[];
}

export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/** The tree-node fields for a layout. */
export function layoutToNode(
  layout: ImageLayout,
): Pick<TreeNode, "size" | "chunkSize" | "content" | "sparse" | "patches"> {
  const { size, chunkSize, positions } = layout;
  const content: string[] = [];
  const sparse: [number, number][] = [];
  positions.forEach((id, i) => {
    if (id !== null) {
      content.push(id);
      return;
    }
    const offset = i * chunkSize;
    const length = Math.min(chunkSize, size - offset);
    const last = sparse.at(-1);
    if (last && last[0] + last[1] === offset) last[1] += length;
    else sparse.push([offset, length]);
  });
  return {
    size,
    chunkSize,
    content,
    ...(sparse.length > 0 ? { sparse } : {}),
    ...patchesToNode(layout.patches ?? []),
  };
}

/** Expands an image node back to chunk positions; a node that does not fit is corrupt. */
export function layoutOfNode(node: TreeNode, what: string): ImageLayout {
  const size = node.size ?? 0;
  const chunkSize = node.chunkSize;
  if (chunkSize === undefined) {
    throw new LifeboatError("LB_INVALID_INPUT", `${what} is not a fixed-size image`, {
      remedy: "Use an image snapshot (backup of an image file or block device).",
    });
  }
  const count = chunkCount(size, chunkSize);
  const positions: (string | null)[] = new Array<string | null>(count).fill("");
  for (const [offset, length] of node.sparse ?? []) {
    for (let i = offset / chunkSize; i < (offset + length) / chunkSize; i++) positions[i] = null;
  }
  const content = node.content ?? [];
  let next = 0;
  for (let i = 0; i < count; i++) {
    if (positions[i] === null) continue;
    positions[i] = content[next++] ?? "";
  }
  if (next !== content.length || positions.some((p) => p === "")) {
    throw new LifeboatError("LB_REPO_PACK_CORRUPT", `${what}: content does not cover the image`, {
      details: { object: what },
    });
  }
  const patches = patchesOfNode(node, what);
  return { size, chunkSize, positions, ...(patches.length > 0 ? { patches } : {}) };
}

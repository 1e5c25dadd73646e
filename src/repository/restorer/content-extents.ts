import { LifeboatError } from "../../model/errors.js";
import type { TreeNode } from "../tree.js";

/** A run of non-hole bytes: where it sits in the file and where in the content stream. */
export interface Extent {
  readonly fileOffset: number;
  readonly dataOffset: number;
  readonly length: number;
}

/** A piece of one blob to write: bytes [from, from+length) of the blob at `fileOffset`. */
export interface Piece {
  readonly fileOffset: number;
  readonly from: number;
  readonly length: number;
}

/**
 * Maps the content stream of a node (its blobs back to back, holes left out) onto file
 * offsets, so each blob can be written at its place independently of the others.
 */
export class ContentExtents {
  readonly extents: Extent[] = [];
  /** Total non-hole bytes. */
  readonly dataLength: number;

  constructor(node: TreeNode, what: string) {
    const size = node.size ?? 0;
    let file = 0;
    let data = 0;
    for (const [offset, length] of node.sparse ?? []) {
      if (offset < file || offset + length > size) {
        throw new LifeboatError("LB_REPO_PACK_CORRUPT", `${what}: bad sparse map`, {
          details: { object: what },
        });
      }
      if (offset > file)
        this.extents.push({ fileOffset: file, dataOffset: data, length: offset - file });
      data += offset - file;
      file = offset + length;
    }
    if (size > file) this.extents.push({ fileOffset: file, dataOffset: data, length: size - file });
    this.dataLength = data + Math.max(0, size - file);
  }

  /** The file pieces a blob covering content bytes [dataOffset, dataOffset+length) maps to. */
  pieces(dataOffset: number, length: number): Piece[] {
    const out: Piece[] = [];
    let lo = 0;
    let hi = this.extents.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.extents[mid]!.dataOffset <= dataOffset) lo = mid;
      else hi = mid - 1;
    }
    const end = dataOffset + length;
    for (let i = lo; i < this.extents.length; i++) {
      const e = this.extents[i]!;
      if (e.dataOffset >= end) break;
      const start = Math.max(dataOffset, e.dataOffset);
      const stop = Math.min(end, e.dataOffset + e.length);
      if (stop <= start) continue;
      out.push({
        fileOffset: e.fileOffset + (start - e.dataOffset),
        from: start - dataOffset,
        length: stop - start,
      });
    }
    return out;
  }
}

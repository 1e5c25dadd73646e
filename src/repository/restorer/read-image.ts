import { LifeboatError } from "../../model/errors.js";
import { layoutOfNode, type ImageLayout } from "../archiver/image-layout.js";
import { visiblePatchPieces, type ImagePatch, type PatchPiece } from "../archiver/image-patches.js";
import type { Repository } from "../repository.js";
import type { StoredSnapshot } from "../snapshot/snapshot.js";
import { BlobReader } from "./blob-reader.js";

/**
 * Random access to an image snapshot (programmatic API): open once, then read any byte range.
 * Only the chunks and patches the range touches are loaded (ranged loads), each verified
 * against its id; holes read as zeros; patches are laid over the chunks as the format says.
 */
export class ImageReader {
  /** Per chunk: the visible pieces of its patches (disjoint, so order no longer matters). */
  private readonly patchesByChunk = new Map<
    number,
    { patch: ImagePatch; pieces: PatchPiece[] }[]
  >();

  private constructor(
    private readonly reader: BlobReader,
    readonly layout: ImageLayout,
    readonly snapshot: StoredSnapshot,
  ) {
    for (const visible of visiblePatchPieces(layout.patches ?? [], layout.chunkSize)) {
      if (visible.pieces.length === 0) continue;
      const i = Math.floor(visible.patch.offset / layout.chunkSize);
      const list = this.patchesByChunk.get(i) ?? [];
      list.push(visible);
      this.patchesByChunk.set(i, list);
    }
  }

  static async open(repo: Repository, snapshot: StoredSnapshot): Promise<ImageReader> {
    const reader = await BlobReader.open(repo);
    const [node] = await reader.tree(snapshot.root);
    if (snapshot.kind !== "image" || node === undefined) {
      throw new LifeboatError("LB_INVALID_INPUT", `snapshot ${snapshot.id} is not an image`);
    }
    return new ImageReader(reader, layoutOfNode(node, `snapshot ${snapshot.id}`), snapshot);
  }

  get size(): number {
    return this.layout.size;
  }

  /** Bytes [offset, offset+length) of the image; a range past the end is `LB_INVALID_INPUT`. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    const { size, chunkSize, positions } = this.layout;
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new LifeboatError("LB_INVALID_INPUT", `range ${offset}+${length} is outside the image`);
    }
    const out = new Uint8Array(length);
    const first = Math.floor(offset / chunkSize);
    const last = Math.floor((offset + length - 1) / chunkSize);
    const reads: Promise<{ data: Uint8Array; shown: PatchPiece[] } | undefined>[] = [];
    for (let i = first; length > 0 && i <= last; i++) {
      const id = positions[i];
      if (id === null || id === undefined) continue;
      reads.push(
        this.reader.blob(id).then((data) => {
          const start = Math.max(offset, i * chunkSize);
          const end = Math.min(offset + length, i * chunkSize + data.length);
          out.set(data.subarray(start - i * chunkSize, end - i * chunkSize), start - offset);
          return undefined;
        }),
      );
    }
    const end = offset + length;
    for (let i = first; length > 0 && i <= last; i++) {
      for (const { patch, pieces } of this.patchesByChunk.get(i) ?? []) {
        const shown = pieces.filter((p) => p.fileOffset < end && p.fileOffset + p.length > offset);
        if (shown.length === 0) continue;
        reads.push(
          this.reader.blob(patch.id).then((data) => {
            if (data.length !== patch.length) throw patchLengthError(this.snapshot.id, patch);
            return { data, shown };
          }),
        );
      }
    }
    // Patches land after the chunks they cover; their visible pieces do not overlap each other.
    const loaded = await Promise.all(reads);
    for (const item of loaded) {
      if (item === undefined) continue;
      for (const p of item.shown) {
        const from = Math.max(offset, p.fileOffset);
        const to = Math.min(end, p.fileOffset + p.length);
        const at = p.from + (from - p.fileOffset);
        out.set(item.data.subarray(at, at + (to - from)), from - offset);
      }
    }
    return out;
  }
}

function patchLengthError(snapshot: string, patch: ImagePatch): LifeboatError {
  return new LifeboatError(
    "LB_REPO_PACK_CORRUPT",
    `snapshot ${snapshot}: patch blob ${patch.id} is not ${patch.length} bytes`,
    { details: { snapshot, blob: patch.id } },
  );
}

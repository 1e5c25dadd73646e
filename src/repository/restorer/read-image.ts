import { LifeboatError } from "../../model/errors.js";
import { layoutOfNode, type ImageLayout } from "../archiver/image-layout.js";
import type { Repository } from "../repository.js";
import type { StoredSnapshot } from "../snapshot/snapshot.js";
import { BlobReader } from "./blob-reader.js";

/**
 * Random access to an image snapshot (programmatic API): open once, then read any byte range.
 * Only the chunks the range touches are loaded (ranged loads), each verified against its id;
 * holes read as zeros.
 */
export class ImageReader {
  private constructor(
    private readonly reader: BlobReader,
    readonly layout: ImageLayout,
    readonly snapshot: StoredSnapshot,
  ) {}

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
    const reads: Promise<void>[] = [];
    for (let i = first; length > 0 && i <= last; i++) {
      const id = positions[i];
      if (id === null || id === undefined) continue;
      reads.push(
        this.reader.blob(id).then((data) => {
          const start = Math.max(offset, i * chunkSize);
          const end = Math.min(offset + length, i * chunkSize + data.length);
          out.set(data.subarray(start - i * chunkSize, end - i * chunkSize), start - offset);
        }),
      );
    }
    await Promise.all(reads);
    return out;
  }
}

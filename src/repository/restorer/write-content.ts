import type { FileHandle } from "node:fs/promises";
import { LifeboatError } from "../../model/errors.js";
import { mapLimit } from "../map-limit.js";
import type { TreeNode } from "../tree.js";
import type { TransferCounters } from "../archiver/backup-progress.js";
import type { BlobReader } from "./blob-reader.js";
import { ContentExtents } from "./content-extents.js";

export interface WriteContentOptions {
  /** Blobs read at once (ranged loads in parallel); bounds memory to this many blobs. */
  readonly parallel?: number;
  /** Write zeros into holes (block devices, where a hole cannot be left unwritten). */
  readonly fillHoles?: boolean;
  readonly counters?: TransferCounters;
}

const zeros = Buffer.alloc(1024 * 1024);

/**
 * Writes a file node's content into `handle`: blobs are loaded in parallel (each verified
 * against its id) and written at their own offsets, so the result does not depend on the
 * order loads finish. Holes stay unwritten (the file is sized first, so they read as zeros
 * and stay sparse) unless `fillHoles`.
 */
export async function writeContent(
  reader: BlobReader,
  node: TreeNode,
  handle: FileHandle,
  what: string,
  options: WriteContentOptions = {},
): Promise<void> {
  const extents = new ContentExtents(node, what);
  const content = node.content ?? [];
  const offsets: number[] = [];
  let at = 0;
  for (const hex of content) {
    offsets.push(at);
    const location = reader.index.get(Buffer.from(hex, "hex"));
    if (location === undefined) {
      throw new LifeboatError("LB_REPO_OBJECT_MISSING", `${what}: blob ${hex} is in no index`, {
        details: { blob: hex, object: what },
      });
    }
    at += location.rawLength;
  }
  if (at !== extents.dataLength) {
    throw new LifeboatError("LB_REPO_PACK_CORRUPT", `${what}: content length does not match`, {
      details: { object: what, expected: extents.dataLength, actual: at },
    });
  }
  await mapLimit(
    content.map((hex, i) => ({ hex, offset: offsets[i]! })),
    options.parallel ?? 8,
    async ({ hex, offset }) => {
      const data = await reader.blob(hex);
      for (const piece of extents.pieces(offset, data.length)) {
        await handle.write(data, piece.from, piece.length, piece.fileOffset);
      }
      if (options.counters) {
        options.counters.bytesDone += data.length;
        options.counters.bytesTransferred += data.length;
      }
    },
  );
  if (options.fillHoles) {
    for (const [offset, length] of node.sparse ?? []) {
      for (let done = 0; done < length; done += zeros.length) {
        await handle.write(zeros, 0, Math.min(zeros.length, length - done), offset + done);
      }
    }
  }
}

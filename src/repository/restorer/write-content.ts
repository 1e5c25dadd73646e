import type { FileHandle } from "node:fs/promises";
import { LifeboatError } from "../../model/errors.js";
import type { BlobLocation } from "../index/blob-index.js";
import { mapLimit } from "../map-limit.js";
import type { TreeNode } from "../tree.js";
import type { TransferCounters } from "../archiver/backup-progress.js";
import type { BlobReader } from "./blob-reader.js";
import { ContentExtents } from "./content-extents.js";

export interface WriteContentOptions {
  /** Ranged reads (runs of up to 8 MiB) in flight at once; bounds memory. Default 4. */
  readonly parallel?: number;
  /** Write zeros into holes (block devices, where a hole cannot be left unwritten). */
  readonly fillHoles?: boolean;
  readonly counters?: TransferCounters;
}

const zeros = Buffer.alloc(1024 * 1024);

/** Blobs stored back to back in one pack, loaded with one ranged read. */
interface Run {
  readonly ids: Buffer[];
  readonly locations: BlobLocation[];
  /** Each blob's offset in the node's content stream. */
  readonly offsets: number[];
  bytes: number;
}

/** Bytes per ranged read: large enough to amortise a request, small enough to bound memory. */
const maxRunBytes = 8 * 1024 * 1024;

/**
 * Writes a file node's content into `handle`: blobs that lie back to back in a pack are
 * loaded with one ranged read, runs are loaded in parallel, every blob is verified against its
 * id and written at its own offset by a worker of the pool (BlobReader.writeRun), so the
 * main thread holds only the sealed runs in flight and the result does not
 * depend on the order loads finish. Holes stay unwritten (the file is sized first, so they
 * read as zeros and stay sparse) unless `fillHoles`.
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
  const runs: Run[] = [];
  let at = 0;
  for (const hex of content) {
    const id = Buffer.from(hex, "hex");
    const location = reader.index.get(id);
    if (location === undefined) {
      throw new LifeboatError("LB_REPO_OBJECT_MISSING", `${what}: blob ${hex} is in no index`, {
        details: { blob: hex, object: what },
      });
    }
    const run = runs.at(-1);
    const prev = run?.locations.at(-1);
    const adjacent =
      run !== undefined &&
      prev !== undefined &&
      prev.packId === location.packId &&
      prev.offset + prev.length === location.offset &&
      run.bytes + location.length <= maxRunBytes;
    if (adjacent) {
      run.ids.push(id);
      run.locations.push(location);
      run.offsets.push(at);
      run.bytes += location.length;
    } else {
      runs.push({ ids: [id], locations: [location], offsets: [at], bytes: location.length });
    }
    at += location.rawLength;
  }
  if (at !== extents.dataLength) {
    throw new LifeboatError("LB_REPO_PACK_CORRUPT", `${what}: content length does not match`, {
      details: { object: what, expected: extents.dataLength, actual: at },
    });
  }
  await mapLimit(runs, options.parallel ?? 4, async (run) => {
    const pieces = run.locations.map((location, i) =>
      extents.pieces(run.offsets[i]!, location.rawLength),
    );
    const written = await reader.writeRun(run.ids, run.locations, pieces, handle);
    if (options.counters) {
      options.counters.bytesDone += written;
      options.counters.bytesTransferred += run.bytes;
    }
  });
  if (options.fillHoles) {
    for (const [offset, length] of node.sparse ?? []) {
      for (let done = 0; done < length; done += zeros.length) {
        await handle.write(zeros, 0, Math.min(zeros.length, length - done), offset + done);
      }
    }
  }
}

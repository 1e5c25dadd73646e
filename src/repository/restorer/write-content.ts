import type { FileHandle } from "node:fs/promises";
import { LifeboatError } from "../../model/errors.js";
import type { BlobLocation } from "../index/blob-index.js";
import { mapLimit } from "../map-limit.js";
import type { TreeNode } from "../tree.js";
import { patchesOfNode, visiblePatchPieces } from "../archiver/image-patches.js";
import type { TransferCounters } from "../archiver/backup-progress.js";
import type { BlobReader } from "./blob-reader.js";
import { ContentExtents, type Piece } from "./content-extents.js";
import type { DirectTarget } from "./direct-target.js";

export interface WriteContentOptions {
  /** Ranged reads (runs of up to 8 MiB) in flight at once; bounds memory. Default 4. */
  readonly parallel?: number;
  /** Write zeros into holes (block devices, where a hole cannot be left unwritten). */
  readonly fillHoles?: boolean;
  readonly counters?: TransferCounters;
  /** The file opened for direct writes too (openDirect), when it could be. */
  readonly direct?: DirectTarget;
}

const zeros = Buffer.alloc(1024 * 1024);

/** Blobs stored back to back in one pack, loaded with one ranged read. */
interface Run {
  readonly ids: Buffer[];
  readonly locations: BlobLocation[];
  /** Where each blob's bytes land in the file. */
  readonly pieces: Piece[][];
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
 * read as zeros and stay sparse) unless `fillHoles`. An image node's patches are written
 * last, once every base chunk (and hole) is down: only the part of each patch that no later
 * patch covers, so they too go in parallel runs.
 */
export async function writeContent(
  reader: BlobReader,
  node: TreeNode,
  handle: FileHandle,
  what: string,
  options: WriteContentOptions = {},
): Promise<void> {
  const extents = new ContentExtents(node, what);
  const patches = node.chunkSize === undefined ? [] : patchesOfNode(node, what);
  const runs = new RunBuilder(reader, what);
  let at = 0;
  for (const hex of node.content ?? []) {
    const location = runs.add(hex, (rawLength) => extents.pieces(at, rawLength));
    at += location.rawLength;
  }
  if (at !== extents.dataLength) {
    throw new LifeboatError("LB_REPO_PACK_CORRUPT", `${what}: content length does not match`, {
      details: { object: what, expected: extents.dataLength, actual: at },
    });
  }
  await writeRuns(reader, runs.runs, handle, options);
  if (options.fillHoles) {
    for (const [offset, length] of node.sparse ?? []) {
      for (let done = 0; done < length; done += zeros.length) {
        await handle.write(zeros, 0, Math.min(zeros.length, length - done), offset + done);
      }
    }
  }
  if (patches.length === 0) return;
  const patchRuns = new RunBuilder(reader, what);
  for (const { patch, pieces } of visiblePatchPieces(patches, node.chunkSize!)) {
    if (pieces.length === 0) continue;
    patchRuns.add(patch.id, (rawLength) => {
      if (rawLength !== patch.length) {
        throw new LifeboatError(
          "LB_REPO_PACK_CORRUPT",
          `${what}: patch blob ${patch.id} is not ${patch.length} bytes`,
          { details: { object: what, blob: patch.id } },
        );
      }
      return pieces;
    });
  }
  await writeRuns(reader, patchRuns.runs, handle, { ...options, patches: true });
}

/** Groups blobs into runs as they are added: a blob joins the last run when it follows it. */
class RunBuilder {
  readonly runs: Run[] = [];

  constructor(
    private readonly reader: BlobReader,
    private readonly what: string,
  ) {}

  add(hex: string, piecesOf: (rawLength: number) => Piece[]): BlobLocation {
    const id = Buffer.from(hex, "hex");
    const location = this.reader.index.get(id);
    if (location === undefined) {
      throw new LifeboatError(
        "LB_REPO_OBJECT_MISSING",
        `${this.what}: blob ${hex} is in no index`,
        {
          details: { blob: hex, object: this.what },
        },
      );
    }
    const pieces = piecesOf(location.rawLength);
    const run = this.runs.at(-1);
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
      run.pieces.push(pieces);
      run.bytes += location.length;
    } else {
      this.runs.push({
        ids: [id],
        locations: [location],
        pieces: [pieces],
        bytes: location.length,
      });
    }
    return location;
  }
}

/**
 * Writes runs, `parallel` at a time. On the first failure no new run starts, and it rejects
 * only once the runs already handed to workers have settled: they write into `handle` (and
 * the direct descriptor), which the caller closes next, and a closed descriptor's number can
 * be reused by the next file opened.
 */
async function writeRuns(
  reader: BlobReader,
  runs: readonly Run[],
  handle: FileHandle,
  options: WriteContentOptions & { readonly patches?: boolean },
): Promise<void> {
  const inFlight = new Set<Promise<number>>();
  let failed = false;
  try {
    await mapLimit(runs, options.parallel ?? 4, async (run) => {
      if (failed) return;
      const job = reader.writeRun(run.ids, run.locations, run.pieces, handle, options.direct);
      inFlight.add(job);
      try {
        const written = await job;
        if (options.counters) {
          // Patch bytes overwrite bytes already counted: they are transfer, not progress.
          if (!options.patches) options.counters.bytesDone += written;
          options.counters.bytesTransferred += run.bytes;
        }
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        inFlight.delete(job);
      }
    });
  } catch (error) {
    await Promise.allSettled([...inFlight]);
    throw error;
  }
}

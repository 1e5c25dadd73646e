import type { FileHandle } from "node:fs/promises";
import { LifeboatError } from "../../model/errors.js";
import type { BlobWorkerPool } from "../archiver/blob-worker-pool.js";
import type { BlobIndex, BlobLocation } from "../index/blob-index.js";
import type { Repository } from "../repository.js";
import { decodeTree, type TreeNode } from "../tree.js";
import type { Piece } from "./content-extents.js";
import type { DirectTarget } from "./direct-target.js";

/** Size of a reused load buffer: the longest run writeContent forms (write-content.ts). */
const spareBytes = 8 * 1024 * 1024;
/** Spare buffers kept; more than the runs a restore has in flight (its `parallel`, 8). */
const maxSpares = 16;

/**
 * Reads blobs by hex id through the loaded index with ranged loads; every blob is decrypted
 * and its keyed id re-computed, so restored bytes are verified. With a worker pool the
 * decryption, decompression and id check run on worker threads (restores use every core).
 */
export class BlobReader {
  /**
   * Buffers that sealed runs are loaded into, reused run after run: fresh memory costs a page
   * fault per 4 KiB (and a zeroing) while a restore reads GiBs. Shared with the workers rather
   * than transferred: a buffer handed back and forth makes V8 count it as new external memory
   * each time, which triggers full garbage collections.
   */
  readonly #spares: Uint8Array[] = [];

  constructor(
    readonly repo: Repository,
    readonly index: BlobIndex,
    private readonly pool?: BlobWorkerPool,
  ) {}

  static async open(repo: Repository, pool?: BlobWorkerPool): Promise<BlobReader> {
    return new BlobReader(repo, (await repo.loadIndex()).index, pool);
  }

  async blob(hex: string): Promise<Uint8Array> {
    const id = Buffer.from(hex, "hex");
    const location = this.index.get(id);
    if (location === undefined) {
      throw new LifeboatError("LB_REPO_OBJECT_MISSING", `blob ${hex} is in no index`, {
        remedy: "Run `lifeboat repo check`; `lifeboat repo repair index` may recover it.",
        details: { blob: hex },
      });
    }
    if (this.pool === undefined) return this.repo.readBlob(id, location);
    const what = `data/${location.packId.slice(0, 2)}/${location.packId}`;
    const loaded = await this.repo.backend.load("data", location.packId, location);
    if (loaded.length !== location.length) {
      throw new LifeboatError("LB_REPO_PACK_CORRUPT", `${what} is truncated`, {
        details: { object: what },
      });
    }
    const sealed = loaded.byteLength === loaded.buffer.byteLength ? loaded : new Uint8Array(loaded);
    return this.pool.open(sealed, location.rawLength, id, what);
  }

  /**
   * Restores blobs stored back to back in one pack (`locations` contiguous, in pack order):
   * one ranged load, then every blob is verified against its id and its `pieces` written into
   * `handle` at their file offsets. With a worker pool the whole run goes to one worker, which
   * writes the file itself: plaintexts never come back to this thread. Resolves the plaintext
   * bytes written.
   */
  async writeRun(
    ids: readonly Buffer[],
    locations: readonly BlobLocation[],
    pieces: readonly (readonly Piece[])[],
    handle: FileHandle,
    direct?: DirectTarget,
  ): Promise<number> {
    const first = locations[0]!;
    const last = locations.at(-1)!;
    if (this.pool === undefined) {
      let written = 0;
      for (const [i, id] of ids.entries()) {
        const data = await this.blob(id.toString("hex"));
        for (const piece of pieces[i]!) {
          await handle.write(data, piece.from, piece.length, piece.fileOffset);
        }
        written += data.length;
      }
      return written;
    }
    const what = `data/${first.packId.slice(0, 2)}/${first.packId}`;
    const length = last.offset + last.length - first.offset;
    const into = this.#spare(length);
    const range = { offset: first.offset, length };
    const loaded = await this.repo.backend.load("data", first.packId, range, into);
    if (loaded.length !== length) {
      throw new LifeboatError("LB_REPO_PACK_CORRUPT", `${what} is truncated`, {
        details: { object: what },
      });
    }
    // A backend that returned its own buffer: transfer it (a copy if it is a shared view).
    const sealed =
      loaded.buffer === into.buffer || loaded.byteLength === loaded.buffer.byteLength
        ? loaded
        : new Uint8Array(loaded);
    const blobs = locations.map((location, i) => ({
      offset: location.offset - first.offset,
      length: location.length,
      rawLength: location.rawLength,
      id: ids[i]!,
      pieces: pieces[i]!,
    }));
    const fds = direct ? { fd: direct.fd, probeFd: direct.probeFd } : undefined;
    const written = await this.pool.openWrite(sealed, blobs, handle.fd, what, fds);
    // The worker is done with it. (After a failure it is dropped: when one worker dies, the
    // pool fails every job at once, while the others may still be reading theirs.)
    if (this.#spares.length < maxSpares) this.#spares.push(into);
    return written;
  }

  /** A reused shared buffer of at least `length` bytes. */
  #spare(length: number): Uint8Array {
    const i = this.#spares.findIndex((buffer) => buffer.length >= length);
    if (i >= 0) return this.#spares.splice(i, 1)[0]!;
    return new Uint8Array(new SharedArrayBuffer(Math.max(length, spareBytes)));
  }

  async tree(hex: string): Promise<TreeNode[]> {
    return decodeTree(await this.blob(hex), `tree ${hex}`);
  }
}

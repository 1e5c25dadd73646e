import { LifeboatError } from "../../model/errors.js";
import type { BlobWorkerPool } from "../archiver/blob-worker-pool.js";
import type { BlobIndex } from "../index/blob-index.js";
import type { Repository } from "../repository.js";
import { decodeTree, type TreeNode } from "../tree.js";

/**
 * Reads blobs by hex id through the loaded index with ranged loads; every blob is decrypted
 * and its keyed id re-computed, so restored bytes are verified. With a worker pool the
 * decryption, decompression and id check run on worker threads (restores use every core).
 */
export class BlobReader {
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

  async tree(hex: string): Promise<TreeNode[]> {
    return decodeTree(await this.blob(hex), `tree ${hex}`);
  }
}

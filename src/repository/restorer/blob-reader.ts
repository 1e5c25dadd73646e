import { LifeboatError } from "../../model/errors.js";
import type { BlobIndex } from "../index/blob-index.js";
import type { Repository } from "../repository.js";
import { decodeTree, type TreeNode } from "../tree.js";

/**
 * Reads blobs by hex id through the loaded index with ranged loads; every blob is decrypted
 * and its keyed id re-computed (Repository.readBlob), so restored bytes are verified.
 */
export class BlobReader {
  constructor(
    readonly repo: Repository,
    readonly index: BlobIndex,
  ) {}

  static async open(repo: Repository): Promise<BlobReader> {
    return new BlobReader(repo, (await repo.loadIndex()).index);
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
    return this.repo.readBlob(id, location);
  }

  async tree(hex: string): Promise<TreeNode[]> {
    return decodeTree(await this.blob(hex), `tree ${hex}`);
  }

  /** Where a blob lives, for grouping reads by pack. */
  packOf(hex: string): string | undefined {
    return this.index.get(Buffer.from(hex, "hex"))?.packId;
  }
}

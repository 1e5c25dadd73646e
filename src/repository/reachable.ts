import type { BlobIndex } from "./index/blob-index.js";
import { BlobIndex as IdSet } from "./index/blob-index.js";
import { BlobType } from "./pack/pack-entry.js";
import type { Repository } from "./repository.js";
import type { StoredSnapshot } from "./snapshot/snapshot.js";
import { dataBlobsOf, decodeTree } from "./tree.js";

export interface Reachable {
  /** Every blob reachable from the snapshots, with the location the index gives it. */
  readonly used: BlobIndex;
  /** Reachable blob ids (hex) that no index lists. */
  readonly missing: string[];
}

/**
 * Walks every snapshot's trees (each tree once) and collects the blobs they reference: content
 * and image patches alike, so prune keeps a pack that only a patch references.
 */
export async function collectReachable(
  repo: Repository,
  index: BlobIndex,
  snapshots: readonly StoredSnapshot[],
): Promise<Reachable> {
  const used = new IdSet();
  const missing: string[] = [];
  const mark = (hex: string): boolean => {
    const id = Buffer.from(hex, "hex");
    if (used.has(id)) return false;
    const location = index.get(id);
    if (!location) {
      missing.push(hex);
      return false;
    }
    used.add(location.packId, { ...location, id });
    return true;
  };
  const walk = async (treeId: string): Promise<void> => {
    if (!mark(treeId)) return;
    const id = Buffer.from(treeId, "hex");
    const location = index.get(id)!;
    const nodes = decodeTree(
      await repo.readBlob(id, { ...location, type: BlobType.tree }),
      `tree ${treeId}`,
    );
    for (const node of nodes) {
      for (const blob of dataBlobsOf(node)) mark(blob);
      if (node.subtree !== undefined) await walk(node.subtree);
    }
  };
  for (const snapshot of snapshots) await walk(snapshot.root);
  return { used, missing };
}

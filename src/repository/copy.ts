import { LifeboatError } from "../model/errors.js";
import type { BlobIndex } from "./index/blob-index.js";
import { BlobType } from "./pack/pack-entry.js";
import type { Repository } from "./repository.js";
import type { StoredSnapshot } from "./snapshot/snapshot.js";
import { decodeTree, type TreeNode } from "./tree.js";
import type { WriteSession } from "./write-session.js";

export interface CopyReport {
  /** Source snapshot id → id in the destination. */
  readonly copied: { from: string; to: string }[];
  /** Source snapshots the destination already holds a copy of. */
  readonly skipped: string[];
  readonly blobsStored: number;
  readonly blobsReused: number;
}

/**
 * Copies snapshots into another repository (e.g. one bucket per region). Blob ids are keyed per
 * repository, so every blob is read (and verified) from the source and saved in the
 * destination, which deduplicates against what it holds; trees are rewritten with the new ids.
 * Each copy is a normal write session in the destination: crash-safe, concurrent-safe. A copy
 * records `fields.copiedFrom`, and snapshots already copied are skipped, so re-running is cheap.
 */
export async function copySnapshots(
  source: Repository,
  destination: Repository,
  snapshotIds: readonly string[],
): Promise<CopyReport> {
  const report = {
    copied: [] as CopyReport["copied"],
    skipped: [] as string[],
    blobsStored: 0,
    blobsReused: 0,
  };
  const existing = new Set(
    (await destination.listSnapshots())
      .map((s) => s.fields.copiedFrom)
      .filter((v) => typeof v === "string"),
  );
  const mapped = new Map<string, string>();
  const { index } = await source.loadIndex();
  for (const id of snapshotIds) {
    const snapshot = await source.loadSnapshot(id);
    if (existing.has(id)) {
      report.skipped.push(id);
      continue;
    }
    const session = await destination.startWrite(`copy ${id}`);
    try {
      const root = await copyTree(source, index, session, snapshot.root, new Map());
      const parent = snapshot.parent === undefined ? undefined : mapped.get(snapshot.parent);
      const to = await session.commit({
        kind: snapshot.kind,
        source: snapshot.source,
        root: Buffer.from(root, "hex"),
        size: snapshot.size,
        tags: snapshot.tags,
        time: new Date(snapshot.time),
        host: snapshot.host,
        ...(parent === undefined ? {} : { parent }),
        fields: { ...snapshot.fields, copiedFrom: id },
      });
      mapped.set(id, to);
      report.copied.push({ from: id, to });
      report.blobsStored += session.stats.blobsStored;
      report.blobsReused += session.stats.blobsReused;
    } catch (error) {
      await session.abort().catch(() => undefined);
      throw error;
    }
  }
  return report;
}

async function readFrom(
  source: Repository,
  index: BlobIndex,
  hex: string,
  snapshot?: StoredSnapshot,
) {
  const id = Buffer.from(hex, "hex");
  const location = index.get(id);
  if (!location) {
    throw new LifeboatError(
      "LB_REPO_OBJECT_MISSING",
      `blob ${hex} is in no index of ${source.backend.location}`,
      {
        details: { blob: hex, snapshot: snapshot?.id },
      },
    );
  }
  return source.readBlob(id, location);
}

async function copyTree(
  source: Repository,
  index: BlobIndex,
  session: WriteSession,
  treeId: string,
  blobs: Map<string, string>,
): Promise<string> {
  const nodes = decodeTree(await readFrom(source, index, treeId), `tree ${treeId}`);
  const copied: TreeNode[] = [];
  for (const node of nodes) {
    const next: TreeNode = { ...node };
    const copyBlob = async (hex: string): Promise<string> => {
      let to = blobs.get(hex);
      if (to === undefined) {
        to = (
          await session.saveBlob(BlobType.data, await readFrom(source, index, hex))
        ).id.toString("hex");
        blobs.set(hex, to);
      }
      return to;
    };
    if (node.content) {
      const content: string[] = [];
      for (const hex of node.content) content.push(await copyBlob(hex));
      next.content = content;
    }
    if (node.patches) {
      const patches: [number, number, string][] = [];
      for (const [offset, length, hex] of node.patches)
        patches.push([offset, length, await copyBlob(hex)]);
      next.patches = patches;
    }
    if (node.subtree !== undefined)
      next.subtree = await copyTree(source, index, session, node.subtree, blobs);
    copied.push(next);
  }
  return (await session.saveTree(copied)).toString("hex");
}

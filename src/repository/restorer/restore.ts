import { mkdir, open, stat } from "node:fs/promises";
import { join } from "node:path";
import { LifeboatError } from "../../model/errors.js";
import { newCounters, type TransferCounters } from "../archiver/backup-progress.js";
import { BlobWorkerPool } from "../archiver/blob-worker-pool.js";
import type { Repository } from "../repository.js";
import type { SnapshotFilter } from "../snapshot/select-snapshot.js";
import type { StoredSnapshot } from "../snapshot/snapshot.js";
import { BlobReader } from "./blob-reader.js";
import { resolveSnapshot } from "./resolve-snapshot.js";
import { applyMetadata, TreeRestorer, type TreeRestoreStats } from "./restore-tree.js";
import { directMinBytes, openDirect, type DirectTarget } from "./direct-target.js";
import { writeContent } from "./write-content.js";

export interface RestoreRequest {
  /** Snapshot id, unique prefix, or `latest`. */
  readonly snapshot: string;
  /** A directory (tree snapshots), or a file, directory or block device (single-node ones). */
  readonly target: string;
  /** With `latest`: the newest snapshot taken at or before this time. */
  readonly at?: Date;
  /** Narrows `latest` (e.g. to one source). */
  readonly filter?: SnapshotFilter;
  readonly include?: readonly string[];
  readonly parallel?: number;
  /** Worker threads that decrypt and verify blobs; default one per core. */
  readonly workers?: number;
  readonly counters?: TransferCounters;
}

export interface RestoreResult {
  readonly snapshot: string;
  readonly kind: string;
  /** The directory or file written. */
  readonly target: string;
  readonly bytesWritten: number;
  readonly files: number;
  readonly stats: TreeRestoreStats | null;
}

async function statOrNull(path: string) {
  return stat(path).catch(() => null);
}

/**
 * Restores a snapshot byte for byte (docs/backup-restore.md). Every blob is verified against
 * its keyed id as it is read; a damaged blob stops the restore with its integrity code (exit 4)
 * naming the pack. Reads only from the repository: it takes no lock and writes nothing there.
 */
export async function restore(repo: Repository, request: RestoreRequest): Promise<RestoreResult> {
  // Started first: the workers load their modules while the snapshots and the index are read.
  const pool = new BlobWorkerPool(repo.key, request.workers);
  try {
    const snap: StoredSnapshot = await resolveSnapshot(repo, request.snapshot, {
      ...(request.at ? { at: request.at } : {}),
      ...(request.filter ? { filter: request.filter } : {}),
    });
    // The index is loaded after the snapshot is chosen, so it covers every blob the snapshot
    // references (docs/repository-format.md, "Write order and crash rules", rule 4).
    return await restoreSnapshot(repo, snap, await BlobReader.open(repo, pool), request);
  } finally {
    await pool.close();
  }
}

async function restoreSnapshot(
  repo: Repository,
  snap: StoredSnapshot,
  reader: BlobReader,
  request: RestoreRequest,
): Promise<RestoreResult> {
  const counters = request.counters ?? newCounters();
  counters.bytesTotal = snap.size;
  const parallel = request.parallel ?? 8;
  if (snap.kind === "tree") {
    const restorer = new TreeRestorer(reader, {
      parallel,
      counters,
      ...(request.include ? { include: request.include } : {}),
    });
    await restorer.restore(snap.root, request.target);
    const rootMeta = snap.fields.rootMeta;
    if (rootMeta && typeof rootMeta === "object" && !request.include?.length) {
      await applyMetadata(request.target, { name: ".", type: "dir", ...rootMeta });
    }
    return {
      snapshot: snap.id,
      kind: snap.kind,
      target: request.target,
      bytesWritten: counters.bytesDone,
      files: restorer.stats.files + restorer.stats.hardLinks,
      stats: restorer.stats,
    };
  }
  const [node] = await reader.tree(snap.root);
  if (node === undefined || node.type !== "file") {
    throw new LifeboatError("LB_REPO_PACK_CORRUPT", `snapshot ${snap.id} has no file node`, {
      details: { snapshot: snap.id },
    });
  }
  const existing = await statOrNull(request.target);
  const device = existing?.isBlockDevice() ?? false;
  let target = request.target;
  if (existing?.isDirectory()) target = join(request.target, node.name);
  else if (existing === null && request.target.endsWith("/")) {
    await mkdir(request.target, { recursive: true });
    target = join(request.target, node.name);
  }
  const handle = await open(target, device ? "r+" : "w");
  let direct: DirectTarget | undefined;
  try {
    if (!device) await handle.truncate(node.size ?? 0);
    if (!device && (node.size ?? 0) >= directMinBytes) direct = await openDirect(target);
    await writeContent(reader, node, handle, target, {
      parallel,
      counters,
      fillHoles: device,
      ...(direct ? { direct } : {}),
    });
    if (device) await handle.sync();
  } finally {
    await direct?.close();
    await handle.close();
  }
  if (!device) await applyMetadata(target, { ...node, name: node.name });
  counters.filesDone++;
  return {
    snapshot: snap.id,
    kind: snap.kind,
    target,
    bytesWritten: counters.bytesDone,
    files: 1,
    stats: null,
  };
}

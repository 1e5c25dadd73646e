import type { Repository } from "./repository.js";
import { saveIndexFile, type IndexedPack } from "./index/index-file.js";
import { readPackHeader } from "./pack/pack-header.js";
import { LifeboatError } from "../model/errors.js";

export interface RepairIndexReport {
  readonly packs: number;
  readonly blobs: number;
  /** Packs whose header could not be read (damaged); their blobs stay unindexed. */
  readonly unreadable: { pack: string; code: string }[];
  readonly indexFilesWritten: number;
  readonly indexFilesRemoved: number;
}

/** Packs per rebuilt index file, so no single file grows without bound. */
const packsPerFile = 1024;

/**
 * Rebuilds the index from pack headers (restic `repair index`). Under an exclusive lock:
 * lists index files and packs, reads every pack header, writes new index files, and only then
 * removes the index files it listed — a crash at any point leaves a usable index. Index files
 * written by concurrent writers after the listing are kept, so it is safe while backups run.
 */
export async function repairIndex(repo: Repository, parallel = 4): Promise<RepairIndexReport> {
  const lock = await repo.lockExclusive("repair index");
  try {
    const oldFiles = (await repo.backend.list("index")).map((i) => i.name);
    const packs = await repo.backend.list("data");
    // Index files are written as headers come in, so memory holds at most one file's worth.
    let batch: IndexedPack[] = [];
    let packCount = 0;
    let blobCount = 0;
    const written = new Set<string>();
    const writeBatch = async () => {
      const packsOfFile = batch.sort((a, b) => a.packId.localeCompare(b.packId));
      batch = [];
      if (packsOfFile.length > 0)
        written.add(await saveIndexFile(repo.backend, repo.codec, packsOfFile));
    };
    const unreadable: { pack: string; code: string }[] = [];
    const queue = [...packs];
    const worker = async () => {
      for (let pack = queue.shift(); pack !== undefined; pack = queue.shift()) {
        try {
          const entries = await readPackHeader(repo.backend, repo.codec, pack.name, pack.size);
          batch.push({ packId: pack.name, entries });
          packCount++;
          blobCount += entries.length;
          if (batch.length >= packsPerFile) await writeBatch();
        } catch (error) {
          if (!(error instanceof LifeboatError) || error.category !== "integrity") throw error;
          unreadable.push({ pack: pack.name, code: error.code });
        }
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    await writeBatch();
    lock.assertHealthy();
    let removed = 0;
    for (const name of oldFiles) {
      if (written.has(name)) continue;
      await repo.backend.remove("index", name);
      removed++;
    }
    return {
      packs: packCount,
      blobs: blobCount,
      unreadable: unreadable.sort((a, b) => a.pack.localeCompare(b.pack)),
      indexFilesWritten: written.size,
      indexFilesRemoved: removed,
    };
  } finally {
    await lock.release();
  }
}

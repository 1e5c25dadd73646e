import { LifeboatError } from "../model/errors.js";
import {
  loadIndexFile,
  loadIndexPlain,
  saveIndexFile,
  visitIndexFile,
} from "./index/index-file.js";
import { listLocks, removeStaleLocks, type RepositoryLock } from "./lock.js";
import { collectReachable } from "./reachable.js";
import type { Repository } from "./repository.js";
import { BlobIndex } from "./index/blob-index.js";

export interface PruneOptions {
  /** Packs younger than this are never deleted (clock skew, uploads in flight). Default 1 h. */
  readonly marginMs?: number;
  /** Report what would be deleted, change nothing. */
  readonly dryRun?: boolean;
  readonly now?: () => number;
  /** Fault-injection points for tests: run code at the racy moments of the GC rule. */
  readonly hooks?: { readonly beforeIndexSwap?: () => Promise<void> };
}

export interface PruneReport {
  /** Packs no snapshot references and older than the margin. */
  readonly candidates: string[];
  readonly deleted: string[];
  /** Candidates kept for a later prune because writers were running. */
  readonly deferred: string[];
  readonly bytesFreed: number;
  readonly indexFilesWritten: number;
  readonly indexFilesRemoved: number;
  readonly staleLocksRemoved: number;
}

/**
 * Deletes packs that no snapshot can reference, by the GC rule of docs/repository-format.md
 * ("Garbage collection rule"): exclusive lock; candidates = unreferenced packs older than the
 * margin; nothing is deleted while a writer's shared lock is live, and the index is rewritten
 * before any pack goes. A crash at any step leaves a valid repository.
 */
export async function prune(repo: Repository, options: PruneOptions = {}): Promise<PruneReport> {
  const lock = await repo.lockExclusive("prune");
  try {
    return await pruneLocked(repo, lock, options);
  } finally {
    await lock.release();
  }
}

async function pruneLocked(
  repo: Repository,
  lock: RepositoryLock,
  options: PruneOptions,
): Promise<PruneReport> {
  const now = options.now ?? (() => Date.now());
  const t0 = now();
  const margin = options.marginMs ?? 60 * 60_000;
  const report = {
    candidates: [] as string[],
    deleted: [] as string[],
    deferred: [] as string[],
    bytesFreed: 0,
    indexFilesWritten: 0,
    indexFilesRemoved: 0,
    staleLocksRemoved: 0,
  };
  if (!options.dryRun) {
    report.staleLocksRemoved = await removeStaleLocks(repo.backend, repo.codec, repo.lockTiming);
  }
  // Snapshots before the index: every blob of a listed snapshot is in an index file we read.
  const snapshots = await repo.listSnapshots();
  const indexNames = (await repo.backend.list("index")).map((i) => i.name);
  // Only the pack ids per file are kept besides the in-memory index: prune's memory stays
  // close to a backup's (restic and kopia prunes are known for running out of memory).
  const packsOfFile = new Map<string, string[]>();
  const index = new BlobIndex();
  for (const name of indexNames.sort()) {
    const packIds: string[] = [];
    const plain = await loadIndexPlain(repo.backend, repo.codec, name);
    visitIndexFile(plain, `index/${name}`, (packId, buf, at) => {
      if (packIds.at(-1) !== packId) packIds.push(packId);
      index.addEncoded(packId, buf, at);
    });
    packsOfFile.set(name, packIds);
  }
  const { used, missing } = await collectReachable(repo, index, snapshots);
  if (missing.length > 0) {
    throw new LifeboatError(
      "LB_REPO_INDEX_CORRUPT",
      `${missing.length} blobs that snapshots reference are in no index; prune stops`,
      {
        details: { missing: missing.slice(0, 10) },
      },
    );
  }
  const usedPacks = new Set(used.packIds);
  const packs = await repo.backend.list("data");
  // A referenced blob whose indexed pack is gone may survive only as a duplicate in a pack
  // that looks unused: deleting anything now could lose it for good.
  const stored = new Set(packs.map((p) => p.name));
  const lost = [...usedPacks].filter((id) => !stored.has(id));
  if (lost.length > 0) {
    throw new LifeboatError(
      "LB_REPO_OBJECT_MISSING",
      `${lost.length} packs that snapshots reference are missing; prune stops`,
      {
        remedy: "Run `lifeboat repo check` to see the damage and `lifeboat repo repair index`.",
        details: { packs: lost.slice(0, 10) },
      },
    );
  }
  const candidates = packs.filter(
    (p) => !usedPacks.has(p.name) && p.modified.getTime() < t0 - margin,
  );
  report.candidates = candidates.map((p) => p.name).sort();
  if (options.dryRun || candidates.length === 0) return report;

  const writersRunning = async () =>
    (await listLocks(repo.backend, repo.codec, repo.lockTiming)).some(
      (l) => !l.stale && l.name !== lock.name && (l.info === undefined || !l.info.exclusive),
    );
  if (await writersRunning()) {
    report.deferred = report.candidates;
    return report;
  }
  await options.hooks?.beforeIndexSwap?.();
  const doomed = new Set(report.candidates);
  // The index swap, per affected file: write its replacement first, remove it after.
  const affected = [...packsOfFile].filter(([, ids]) => ids.some((id) => doomed.has(id)));
  const replaced: string[] = [];
  for (const [name] of affected) {
    const keep = (await loadIndexFile(repo.backend, repo.codec, name)).filter(
      (p) => !doomed.has(p.packId),
    );
    if (keep.length > 0) {
      const written = await saveIndexFile(repo.backend, repo.codec, keep);
      report.indexFilesWritten++;
      if (written === name) continue;
    }
    replaced.push(name);
  }
  if (replaced.length > 0) lock.assertHealthy();
  for (const name of replaced) {
    await repo.backend.remove("index", name);
    report.indexFilesRemoved++;
  }
  // Writers that started during the swap may have loaded the old index: leave the packs.
  if (await writersRunning()) {
    report.deferred = report.candidates;
    return report;
  }
  lock.assertHealthy();
  for (const pack of candidates) {
    await repo.backend.remove("data", pack.name);
    report.deleted.push(pack.name);
    report.bytesFreed += pack.size;
  }
  report.deleted.sort();
  return report;
}

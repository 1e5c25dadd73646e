import type { Repository } from "./repository.js";

export interface RepositoryStats {
  readonly snapshots: number;
  /** Sum of the snapshots' logical sizes: what restoring all of them would write. */
  readonly logicalBytes: number;
  readonly packs: number;
  /** Bytes in storage for packs (blobs, headers, encryption overhead). */
  readonly storedBytes: number;
  readonly indexFiles: number;
  readonly blobs: number;
  /** Plaintext bytes of the distinct blobs (after dedup, before compression). */
  readonly rawBlobBytes: number;
  /** logicalBytes / storedBytes: what dedup and compression save together (0 when empty). */
  readonly spaceRatio: number;
}

/** Sizes and counts for `repo stats`. Reads listings, snapshots and the index; writes nothing. */
export async function repositoryStats(repo: Repository): Promise<RepositoryStats> {
  const snapshots = await repo.listSnapshots();
  const packs = await repo.backend.list("data");
  const { index, files } = await repo.loadIndex();
  let rawBlobBytes = 0;
  for (const { entry } of index.entries()) rawBlobBytes += entry.rawLength;
  const logicalBytes = snapshots.reduce((n, s) => n + s.size, 0);
  const storedBytes = packs.reduce((n, p) => n + p.size, 0);
  return {
    snapshots: snapshots.length,
    logicalBytes,
    packs: packs.length,
    storedBytes,
    indexFiles: files.size,
    blobs: index.size,
    rawBlobBytes,
    spaceRatio: storedBytes === 0 ? 0 : logicalBytes / storedBytes,
  };
}

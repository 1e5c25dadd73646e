import type { RecoveryPoint } from "../model/recovery-point.js";
import { ImageReader, resolveSnapshot } from "../repository/archiver/api.js";
import type { Repository } from "../repository/repository.js";
import type { BaseImage } from "./change-source.js";

/** Counts what reading bases costs (repository reads, not device reads). */
export interface BaseCounters {
  bytesRead: number;
}

/** Opens an image snapshot of the repository as the base a change source compares against. */
export async function openBaseImage(
  repo: Repository,
  snapshotId: string,
  point: RecoveryPoint | null,
  counters: BaseCounters,
  meta: Readonly<Record<string, unknown>> = point?.meta ?? {},
): Promise<BaseImage> {
  const reader = await ImageReader.open(repo, await resolveSnapshot(repo, snapshotId));
  const { positions, chunkSize, size } = reader.layout;
  return {
    snapshotId: reader.snapshot.id,
    point,
    meta,
    size,
    chunkSize,
    chunkId: (index) => positions[index] ?? null,
    idOf: (data) => repo.key.blobId(data).toString("hex"),
    read: async (offset, length) => {
      counters.bytesRead += length;
      return reader.read(offset, length);
    },
  };
}

import { createHash } from "node:crypto";
import type { RecoveryPoint } from "../model/recovery-point.js";
import { ImageReader, resolveSnapshot, type ImagePatch } from "../repository/archiver/api.js";
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
  const patched = patchedChunkIds(reader.layout.patches ?? [], positions, chunkSize);
  return {
    snapshotId: reader.snapshot.id,
    point,
    meta,
    size,
    chunkSize,
    chunkId: (index) => patched.get(index) ?? positions[index] ?? null,
    idOf: (data) => repo.key.blobId(data).toString("hex"),
    read: async (offset, length) => {
      counters.bytesRead += length;
      return reader.read(offset, length);
    },
  };
}

/**
 * A stand-in id for each chunk that has patches: a hash of its base id and its patch list, so
 * two bases compare equal at a chunk only when its bytes are equal (staging copies the chunk
 * otherwise). It never equals a real chunk id, so a scan rewrites a patched chunk once, whole.
 */
function patchedChunkIds(
  patches: readonly ImagePatch[],
  positions: readonly (string | null)[],
  chunkSize: number,
): Map<number, string> {
  const lists = new Map<number, string[]>();
  for (const p of patches) {
    const i = Math.floor(p.offset / chunkSize);
    const list = lists.get(i) ?? [`${positions[i] ?? "hole"}`];
    list.push(`${p.offset}+${p.length}:${p.id}`);
    lists.set(i, list);
  }
  const ids = new Map<number, string>();
  for (const [i, list] of lists) {
    ids.set(
      i,
      createHash("sha256")
        .update(`lifeboat patched chunk\n${list.join("\n")}`)
        .digest("hex"),
    );
  }
  return ids;
}

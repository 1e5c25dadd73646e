import { LifeboatError } from "../model/errors.js";
import type { Backend } from "./backend.js";
import type { Codec } from "./codec.js";
import type { BlobIndex } from "./index/blob-index.js";
import type { IndexedPack } from "./index/index-file.js";
import { readPackHeader } from "./pack/pack-header.js";

/**
 * Unindexed packs younger than this are adopted by a new writer. It must stay well below
 * prune's margin (1 h): prune never deletes a pack younger than its margin, so a pack adopted
 * inside this window cannot be deleted under the writer, even by a prune that started earlier
 * (docs/repository-format.md, "Write order and crash rules").
 */
export const adoptWindowMs = 30 * 60_000;

/**
 * Finds packs that no index lists and that were written recently — left by a writer killed
 * before it wrote its index, or still being written by a concurrent one — reads their headers
 * and adds their blobs to `index`, so the next backup reuses what a crashed one uploaded.
 * Returns the adopted packs; the caller must name them in its own index file before it
 * commits. Damaged or vanished packs are skipped (check reports them).
 */
export async function adoptRecentPacks(
  backend: Backend,
  codec: Codec,
  index: BlobIndex,
  now: number = Date.now(),
): Promise<IndexedPack[]> {
  const since = now - adoptWindowMs;
  const recent = (await backend.list("data", { modifiedSince: since })).filter(
    (p) => !index.hasPack(p.name) && p.modified.getTime() >= since,
  );
  const adopted: IndexedPack[] = [];
  for (const pack of recent) {
    try {
      const entries = await readPackHeader(backend, codec, pack.name, pack.size);
      for (const entry of entries) index.add(pack.name, entry);
      adopted.push({ packId: pack.name, entries });
    } catch (error) {
      if (error instanceof LifeboatError && error.category === "integrity") continue;
      throw error;
    }
  }
  return adopted;
}

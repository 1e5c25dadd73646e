import type { Backend } from "../backend.js";
import type { Codec } from "../codec.js";
import { BlobIndex } from "./blob-index.js";
import { loadIndexFile } from "./index-file.js";

export interface LoadedIndex {
  readonly index: BlobIndex;
  /** Names of the index files merged into `index`. */
  readonly files: ReadonlySet<string>;
}

/**
 * Lists `index/` and merges every file into one {@link BlobIndex}. Files are fetched a few at a
 * time but merged in name order, so the "first location wins" rule gives the same answer on
 * every run. A damaged index file fails the load with `LB_REPO_INDEX_CORRUPT` naming it.
 */
export async function loadIndex(
  backend: Backend,
  codec: Codec,
  parallel = 4,
): Promise<LoadedIndex> {
  const names = (await backend.list("index")).map((info) => info.name).sort();
  const index = new BlobIndex();
  const loads = new Map<string, ReturnType<typeof loadIndexFile>>();
  const start = (i: number) => {
    const name = names[i];
    if (name === undefined) return;
    const load = loadIndexFile(backend, codec, name);
    load.catch(() => undefined); // awaited below; this only stops an unhandled rejection
    loads.set(name, load);
  };
  for (let i = 0; i < parallel; i++) start(i);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const packs = await loads.get(name)!;
    loads.delete(name);
    start(i + parallel);
    for (const pack of packs) for (const entry of pack.entries) index.add(pack.packId, entry);
  }
  return { index, files: new Set(names) };
}

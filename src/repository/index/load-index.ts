import type { Backend } from "../backend.js";
import type { Codec } from "../codec.js";
import { BlobIndex } from "./blob-index.js";
import { entrySize } from "../pack/pack-entry.js";
import { loadIndexPlain, visitIndexFile } from "./index-file.js";

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
  parallel = 2,
): Promise<LoadedIndex> {
  const listed = await backend.list("index");
  const names = listed.map((info) => info.name).sort();
  // Sized up front from the files' sizes (45 bytes per entry, ids do not compress): growing by
  // doubling would briefly hold old and new arrays and leave the freed ones in the heap.
  const bytes = listed.reduce((n, info) => n + info.size, 0);
  const index = new BlobIndex(Math.ceil(bytes / entrySize));
  const loads = new Map<string, Promise<Uint8Array>>();
  const start = (i: number) => {
    const name = names[i];
    if (name === undefined) return;
    const load = loadIndexPlain(backend, codec, name);
    load.catch(() => undefined); // awaited below; this only stops an unhandled rejection
    loads.set(name, load);
  };
  for (let i = 0; i < parallel; i++) start(i);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const plain = await loads.get(name)!;
    loads.delete(name);
    start(i + parallel);
    visitIndexFile(plain, `index/${name}`, (packId, buf, at) => index.addEncoded(packId, buf, at));
  }
  return { index, files: new Set(names) };
}

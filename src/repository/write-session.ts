import { hostname, userInfo } from "node:os";
import { LifeboatError } from "../model/errors.js";
import type { Backend } from "./backend.js";
import type { Codec } from "./codec.js";
import type { MasterKey } from "./crypto/master-key.js";
import type { BlobIndex } from "./index/blob-index.js";
import { saveIndexFile, type IndexedPack } from "./index/index-file.js";
import { loadIndex, type LoadedIndex } from "./index/load-index.js";
import type { RepositoryLock } from "./lock.js";
import { BlobType } from "./pack/pack-entry.js";
import { PackWriter, type FlushedPack } from "./pack/pack-writer.js";
import type { RepoConfig } from "./repo-config.js";
import {
  SNAPSHOT_VERSION_PATCHES,
  SNAPSHOT_VERSION_PLAIN,
  type Snapshot,
  type SnapshotKind,
} from "./snapshot/snapshot.js";
import { encodeTree, type TreeNode } from "./tree.js";

/** What a session needs from the repository (kept narrow: no import cycle). */
export interface SessionRepository {
  readonly backend: Backend;
  readonly codec: Codec;
  readonly key: MasterKey;
  readonly config: RepoConfig;
  saveSnapshotObject(snapshot: Snapshot): Promise<string>;
}

export interface WriteSessionOptions {
  /** Write an index file after this many new packs, so a crash loses little. Default 64. */
  readonly indexEveryPacks?: number;
  /** Overrides the repository's pack size (tests use small packs). */
  readonly packSize?: number;
  /** Unindexed packs already merged into the index; named in this session's first index file. */
  readonly adopted?: readonly IndexedPack[];
}

export interface SnapshotInput {
  readonly kind: SnapshotKind;
  readonly source: string;
  readonly root: Uint8Array;
  readonly size: number;
  readonly tags?: readonly string[];
  readonly parent?: string;
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly time?: Date;
  readonly host?: string;
}

export interface SaveBlobResult {
  readonly id: Buffer;
  /** False when the blob existed (in the repository or earlier in this session). */
  readonly stored: boolean;
}

export interface SessionStats {
  blobsStored: number;
  blobsReused: number;
  bytesStored: number;
  packsWritten: number;
  indexFilesWritten: number;
}

/**
 * One writer's session (docs/repository-format.md, "Write order and crash rules"): blobs go
 * into packs, packs into index files, and the snapshot is written last, at `commit`. A crash at
 * any point leaves only unreferenced objects. Sessions of several processes may run at once.
 * `saveBlob` may be called concurrently; a blob is stored once per repository.
 */
export class WriteSession {
  readonly stats: SessionStats = {
    blobsStored: 0,
    blobsReused: 0,
    bytesStored: 0,
    packsWritten: 0,
    indexFilesWritten: 0,
  };
  readonly #index: BlobIndex;
  readonly #loadedFiles: ReadonlySet<string>;
  /**
   * Entry numbers (in the loaded index) of blobs this session deduplicated against, as a bitmap
   * (1 bit per loaded blob, not 48 bytes): re-indexed at commit if a prune dropped them.
   */
  readonly #reused: Uint8Array;
  readonly #loadedCount: number;
  #anyReused = false;
  readonly #pending = new Set<string>();
  #unindexed: IndexedPack[] = [];
  readonly #writers: Record<BlobType, PackWriter>;
  readonly #indexEvery: number;
  #indexWrites: Promise<unknown>[] = [];
  #done = false;
  /** A saved tree has image patches: the snapshot must be format version 2. */
  #patches = false;

  constructor(
    private readonly repo: SessionRepository,
    loaded: LoadedIndex,
    private readonly lock: RepositoryLock,
    options: WriteSessionOptions = {},
  ) {
    this.#index = loaded.index;
    this.#loadedCount = loaded.index.size;
    this.#reused = new Uint8Array(Math.ceil(this.#loadedCount / 8));
    this.#loadedFiles = loaded.files;
    this.#indexEvery = options.indexEveryPacks ?? 64;
    this.#unindexed = [...(options.adopted ?? [])];
    const make = () =>
      new PackWriter(repo.backend, repo.codec, {
        targetSize: options.packSize ?? repo.config.packSize,
        onFlushed: (pack) => this.#onFlushed(pack),
      });
    this.#writers = { [BlobType.data]: make(), [BlobType.tree]: make() };
  }

  /**
   * The index this session loaded under its lock, plus the packs it wrote since: a backup reads
   * its parent's tree through it instead of loading the index a second time.
   */
  get index(): BlobIndex {
    return this.#index;
  }

  /** Whether the repository (as loaded, plus this session) holds the blob. */
  has(id: Uint8Array): boolean {
    return this.#index.has(id) || this.#pending.has(Buffer.from(id).toString("hex"));
  }

  async saveBlob(type: BlobType, plaintext: Uint8Array): Promise<SaveBlobResult> {
    const id = this.repo.key.blobId(plaintext);
    return this.#save(
      type,
      id,
      plaintext.length,
      () => this.repo.codec.encodeBlob(plaintext).sealed,
    );
  }

  /**
   * Like {@link saveBlob} for a blob whose id and sealed bytes were computed elsewhere (a worker
   * thread) with this repository's key and codec. `sealed` is called only when the blob is new.
   * The caller vouches for both: a wrong id or foreign sealed bytes are found by
   * `check --read-data`, not here.
   */
  async savePresealed(
    type: BlobType,
    id: Buffer,
    rawLength: number,
    sealed: () => Uint8Array,
  ): Promise<SaveBlobResult> {
    return this.#save(type, id, rawLength, sealed);
  }

  async #save(
    type: BlobType,
    id: Buffer,
    rawLength: number,
    seal: () => Uint8Array,
  ): Promise<SaveBlobResult> {
    this.#assertOpen();
    const hex = id.toString("hex");
    const known = this.#index.entryNumber(id);
    if (known >= 0 || this.#pending.has(hex)) {
      if (known >= 0 && known < this.#loadedCount) {
        this.#reused[known >>> 3]! |= 1 << (known & 7);
        this.#anyReused = true;
      }
      this.stats.blobsReused++;
      return { id, stored: false };
    }
    this.#pending.add(hex);
    const sealed = seal();
    this.stats.blobsStored++;
    this.stats.bytesStored += sealed.length;
    await this.#writers[type].add(type, id, sealed, rawLength);
    if (this.#unindexed.length >= this.#indexEvery) await this.flushIndex();
    return { id, stored: true };
  }

  /** Stores a tree blob (nodes are sorted, so equal trees deduplicate). */
  async saveTree(nodes: readonly TreeNode[]): Promise<Buffer> {
    if (nodes.some((n) => n.patches !== undefined && n.patches.length > 0)) this.#patches = true;
    return (await this.saveBlob(BlobType.tree, encodeTree(nodes))).id;
  }

  /**
   * Uploads every buffered blob and waits for the uploads (no index file is written): after
   * this, a crash loses nothing that a re-run cannot adopt (see adopt-packs.ts).
   */
  async flushPacks(): Promise<void> {
    this.#assertOpen();
    await Promise.all([
      this.#writers[BlobType.data].finish(),
      this.#writers[BlobType.tree].finish(),
    ]);
  }

  /** Writes an index file for the packs uploaded since the last one. */
  async flushIndex(): Promise<void> {
    const packs = this.#unindexed;
    this.#unindexed = [];
    if (packs.length === 0) return;
    const write = saveIndexFile(this.repo.backend, this.repo.codec, packs);
    this.#indexWrites.push(write);
    await write;
    this.stats.indexFilesWritten++;
  }

  /**
   * Commits: uploads the remaining packs, writes their index, re-indexes reused blobs that a
   * concurrent prune unindexed, checks the lock is healthy, and writes the snapshot — the
   * commit point. Releases the lock. Resolves the snapshot id.
   */
  async commit(input: SnapshotInput): Promise<string> {
    this.#assertOpen();
    try {
      await Promise.all([
        this.#writers[BlobType.data].finish(),
        this.#writers[BlobType.tree].finish(),
      ]);
      await this.flushIndex();
      await Promise.all(this.#indexWrites);
      await this.#reindexAfterSwap();
      this.lock.assertHealthy();
      const snapshot: Snapshot = {
        version: this.#patches ? SNAPSHOT_VERSION_PATCHES : SNAPSHOT_VERSION_PLAIN,
        time: (input.time ?? new Date()).toISOString(),
        host: input.host ?? hostname(),
        username: safeUsername(),
        tags: [...(input.tags ?? [])],
        kind: input.kind,
        source: input.source,
        ...(input.parent === undefined ? {} : { parent: input.parent }),
        size: input.size,
        root: Buffer.from(input.root).toString("hex"),
        fields: { ...input.fields },
      };
      return await this.repo.saveSnapshotObject(snapshot);
    } finally {
      this.#done = true;
      await this.lock.release();
    }
  }

  /** Stops without a snapshot. Uploaded packs stay (indexed ones are reused by the next run). */
  async abort(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    try {
      await Promise.allSettled([
        this.#writers[BlobType.data].finish(),
        this.#writers[BlobType.tree].finish(),
      ]);
      await this.flushIndex().catch(() => undefined);
    } finally {
      await this.lock.release();
    }
  }

  #onFlushed(pack: FlushedPack): void {
    for (const entry of pack.entries) {
      this.#index.add(pack.packId, entry);
      this.#pending.delete(Buffer.from(entry.id).toString("hex"));
    }
    this.#unindexed.push({ packId: pack.packId, entries: pack.entries });
    this.stats.packsWritten++;
  }

  /**
   * GC rule step 4: if an index file we loaded is gone, a prune swapped the index while we ran.
   * Blobs we reused that the new index lacks are re-added from their old entries; prune left
   * their packs in place because it saw our lock.
   */
  async #reindexAfterSwap(): Promise<void> {
    if (!this.#anyReused) return;
    const now = new Set((await this.repo.backend.list("index")).map((i) => i.name));
    if ([...this.#loadedFiles].every((name) => now.has(name))) return;
    const current = (await loadIndex(this.repo.backend, this.repo.codec)).index;
    const missing = new Map<string, IndexedPack & { entries: IndexedPack["entries"][number][] }>();
    for (let n = 0; n < this.#loadedCount; n++) {
      if ((this.#reused[n >>> 3]! & (1 << (n & 7))) === 0) continue;
      const { packId, entry } = this.#index.entryAt(n);
      if (current.has(entry.id)) continue;
      let pack = missing.get(packId);
      if (!pack) missing.set(packId, (pack = { packId, entries: [] }));
      pack.entries.push(entry);
    }
    if (missing.size === 0) return;
    for (const packId of missing.keys()) await this.repo.backend.stat("data", packId);
    await saveIndexFile(this.repo.backend, this.repo.codec, [...missing.values()]);
    this.stats.indexFilesWritten++;
  }

  #assertOpen(): void {
    if (this.#done) {
      throw new LifeboatError("LB_INTERNAL", "this write session has already committed or aborted");
    }
  }
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return "";
  }
}

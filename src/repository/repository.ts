import { randomBytes } from "node:crypto";
import { LifeboatError } from "../model/errors.js";
import type { Secret } from "../model/secret.js";
import { adoptRecentPacks } from "./adopt-packs.js";
import type { Backend } from "./backend.js";
import { zstdCompression } from "./blob-compression.js";
import { Codec, type Compression } from "./codec.js";
import type { KdfParams } from "./crypto/kdf.js";
import { MasterKey } from "./crypto/master-key.js";
import type { BlobLocation } from "./index/blob-index.js";
import { loadIndex, type LoadedIndex } from "./index/load-index.js";
import { loadJsonObject, parseValue, saveJsonObject } from "./json-object.js";
import type { KeySlotPrefetch } from "./key-slot-prefetch.js";
import { mapLimit } from "./map-limit.js";
import {
  addKeySlot,
  listKeySlots,
  openKeySlots,
  removeKeySlot,
  type KeySlotInfo,
} from "./key-slots.js";
import { defaultLockTiming, RepositoryLock, type LockTiming } from "./lock.js";
import {
  defaultPackSize,
  formatVersion,
  repoConfigSchema,
  type RepoConfig,
} from "./repo-config.js";
import {
  SNAPSHOT_VERSION_PATCHES,
  snapshotSchema,
  snapshotVersionProbe,
  type Snapshot,
  type StoredSnapshot,
} from "./snapshot/snapshot.js";
import { WriteSession, type WriteSessionOptions } from "./write-session.js";

export interface RepositoryOptions {
  /** Per-blob compression; zstd by default. `noCompression` stores raw and refuses zstd blobs. */
  readonly compression?: Compression;
  /** Key derivation parameters for new key slots; calibrated on this machine when absent. */
  readonly kdf?: KdfParams;
  readonly lockTiming?: LockTiming;
  /** Pack size written into a new repository's config. */
  readonly packSize?: number;
}

/**
 * An opened repository: the master key, the config, and the operations on keys, snapshots and
 * blobs. Opening reads only; nothing is written until a write session or a key operation.
 */
export class Repository {
  readonly codec: Codec;
  readonly lockTiming: LockTiming;

  private constructor(
    readonly backend: Backend,
    readonly config: RepoConfig,
    readonly key: MasterKey,
    /** The key slot this repository was opened with. */
    readonly keyId: string,
    readonly options: RepositoryOptions,
  ) {
    this.codec = new Codec(key, options.compression ?? zstdCompression);
    this.lockTiming = options.lockTiming ?? defaultLockTiming;
  }

  /**
   * Creates a repository: config (create-only, so an existing repository is never
   * overwritten: `LB_REPO_EXISTS`) and a first key slot.
   */
  static async init(
    backend: Backend,
    passphrase: Secret,
    options: RepositoryOptions = {},
  ): Promise<Repository> {
    if ((await backend.list("config")).length > 0 || (await backend.list("keys")).length > 0) {
      throw new LifeboatError("LB_REPO_EXISTS", `a repository exists at ${backend.location}`);
    }
    const key = MasterKey.generate();
    const codec = new Codec(key, options.compression ?? zstdCompression);
    const config: RepoConfig = {
      version: formatVersion,
      id: randomBytes(32).toString("hex"),
      chunkerKey: randomBytes(32).toString("hex"),
      packSize: options.packSize ?? defaultPackSize,
      created: new Date().toISOString(),
    };
    const sealed = codec.encodeObject("config", Buffer.from(JSON.stringify(config)));
    if (!(await backend.save("config", "config", sealed)).created) {
      throw new LifeboatError("LB_REPO_EXISTS", `a repository exists at ${backend.location}`);
    }
    const keyId = await addKeySlot(backend, key, passphrase, options.kdf);
    return new Repository(backend, config, key, keyId, options);
  }

  /**
   * Opens with a passphrase; `LB_REPO_WRONG_PASSWORD` (exit 4) if no slot fits. Reads only.
   * `prefetch`: the key slot read and derivation `prefetchKeySlot` started earlier.
   */
  static async open(
    backend: Backend,
    passphrase: Secret,
    options: RepositoryOptions = {},
    prefetch?: KeySlotPrefetch,
  ): Promise<Repository> {
    const { master, keyId } = await openKeySlots(backend, passphrase, prefetch);
    return Repository.openWithKey(backend, master, keyId, options);
  }

  /**
   * Opens with an already unwrapped master key (a key cache, docs/pg-protection.md): no key
   * derivation. A key that is not this repository's fails to authenticate the config (an
   * integrity error); the caller checks that key slot `keyId` still exists.
   */
  static async openWithKey(
    backend: Backend,
    master: MasterKey,
    keyId: string,
    options: RepositoryOptions = {},
  ): Promise<Repository> {
    const codec = new Codec(master, options.compression ?? zstdCompression);
    let config: RepoConfig;
    try {
      config = await loadJsonObject(backend, codec, "config", "config", "config", repoConfigSchema);
    } catch (error) {
      if (error instanceof LifeboatError && error.code === "LB_REPO_OBJECT_MISSING") {
        throw new LifeboatError(
          "LB_REPO_NOT_FOUND",
          `${backend.location} has key files but no config`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
    if (config.version > formatVersion) {
      throw new LifeboatError("LB_REPO_FORMAT_UNSUPPORTED", `repository format ${config.version}`);
    }
    return new Repository(backend, config, master, keyId, options);
  }

  // Key slots (docs/repository-format.md, "Keys").
  listKeys(): Promise<KeySlotInfo[]> {
    return listKeySlots(this.backend);
  }

  addKey(passphrase: Secret, kdf = this.options.kdf): Promise<string> {
    return addKeySlot(this.backend, this.key, passphrase, kdf);
  }

  removeKey(id: string): Promise<void> {
    return removeKeySlot(this.backend, id, this.keyId);
  }

  /** Adds a slot for the new passphrase, then removes the one in use; no data is re-encrypted. */
  async changePassword(passphrase: Secret, kdf = this.options.kdf): Promise<Repository> {
    const keyId = await this.addKey(passphrase, kdf);
    await this.backend.remove("keys", this.keyId);
    return new Repository(this.backend, this.config, this.key, keyId, this.options);
  }

  // Snapshots.
  async listSnapshots(): Promise<StoredSnapshot[]> {
    const names = (await this.backend.list("snapshots")).map((i) => i.name);
    return mapLimit(names, 8, (id) => this.loadSnapshot(id));
  }

  async loadSnapshot(id: string): Promise<StoredSnapshot> {
    try {
      const raw = await loadJsonObject(
        this.backend,
        this.codec,
        "snapshots",
        "snapshot",
        id,
        snapshotVersionProbe,
      );
      if (typeof raw.version === "number" && raw.version > SNAPSHOT_VERSION_PATCHES) {
        throw new LifeboatError(
          "LB_REPO_FORMAT_UNSUPPORTED",
          `snapshots/${id}: snapshot format ${raw.version}`,
          { details: { snapshot: id, version: raw.version } },
        );
      }
      const snapshot = parseValue(snapshotSchema, raw, "LB_REPO_OBJECT_CORRUPT", `snapshots/${id}`);
      return { id, ...snapshot };
    } catch (error) {
      if (error instanceof LifeboatError && error.code === "LB_REPO_OBJECT_MISSING") {
        throw new LifeboatError("LB_SNAPSHOT_NOT_FOUND", `no snapshot ${id}`, {
          details: { snapshot: id },
        });
      }
      throw error;
    }
  }

  /** Saves a snapshot object. Callers normally commit through a {@link WriteSession}. */
  saveSnapshotObject(snapshot: Snapshot): Promise<string> {
    return saveJsonObject(
      this.backend,
      this.codec,
      "snapshots",
      "snapshot",
      snapshotSchema.parse(snapshot),
    );
  }

  /** `forget`: removes snapshot objects only; their data goes at the next prune. */
  async removeSnapshot(id: string): Promise<void> {
    await this.backend.remove("snapshots", id);
  }

  loadIndex(): Promise<LoadedIndex> {
    return loadIndex(this.backend, this.codec);
  }

  /**
   * Reads one blob and verifies it: decryption authenticates it, and its HMAC must equal `id`
   * (a valid blob stored under a wrong index entry is caught too).
   */
  async readBlob(id: Uint8Array, location: BlobLocation): Promise<Uint8Array> {
    const what = `data/${location.packId.slice(0, 2)}/${location.packId}`;
    const sealed = await this.backend.load("data", location.packId, location);
    if (sealed.length !== location.length) {
      throw new LifeboatError("LB_REPO_PACK_CORRUPT", `${what} is truncated`, {
        details: { object: what },
      });
    }
    const plain = this.codec.decodeBlob(sealed, location.rawLength, what);
    if (!this.key.blobId(plain).equals(id)) {
      throw new LifeboatError(
        "LB_REPO_PACK_CORRUPT",
        `${what} holds a blob whose content does not match its id`,
        {
          details: { object: what, blob: Buffer.from(id).toString("hex") },
        },
      );
    }
    return plain;
  }

  /** Takes an exclusive lock (prune, repair); `LB_REPO_LOCKED` if another one is live. */
  lockExclusive(operation: string): Promise<RepositoryLock> {
    return RepositoryLock.acquire(this.backend, this.codec, {
      exclusive: true,
      operation,
      timing: this.lockTiming,
    });
  }

  lockShared(operation: string): Promise<RepositoryLock> {
    return RepositoryLock.acquire(this.backend, this.codec, {
      exclusive: false,
      operation,
      timing: this.lockTiming,
    });
  }

  /**
   * Starts a writer: takes a shared lock, then loads the index (in that order: see prune), and
   * adopts recent unindexed packs a crashed writer left behind.
   */
  async startWrite(operation: string, options: WriteSessionOptions = {}): Promise<WriteSession> {
    const lock = await this.lockShared(operation);
    try {
      const loaded = await this.loadIndex();
      const adopted = await adoptRecentPacks(this.backend, this.codec, loaded.index);
      return new WriteSession(this, loaded, lock, { ...options, adopted });
    } catch (error) {
      await lock.release().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.backend.close();
  }
}

import { adoptRecentPacks } from "../adopt-packs.js";
import { Codec, type EncodedBlob } from "../codec.js";
import { MasterKey } from "../crypto/master-key.js";
import type { Repository } from "../repository.js";
import { WriteSession, type WriteSessionOptions } from "../write-session.js";

/** Ids and sealed bytes computed on worker threads, looked up by plaintext buffer identity. */
export class Presealed {
  readonly ids = new WeakMap<Uint8Array, Buffer>();
  readonly sealed = new WeakMap<Uint8Array, EncodedBlob>();
}

class PresealedKey extends MasterKey {
  constructor(
    real: MasterKey,
    private readonly presealed: Presealed,
  ) {
    super(real.bytes());
  }

  override blobId(plaintext: Uint8Array): Buffer {
    return this.presealed.ids.get(plaintext) ?? super.blobId(plaintext);
  }
}

class PresealedCodec extends Codec {
  constructor(
    real: Codec,
    private readonly presealed: Presealed,
  ) {
    super(real.key, real.compression);
  }

  override encodeBlob(plain: Uint8Array): EncodedBlob {
    const done = this.presealed.sealed.get(plain);
    if (done === undefined) return super.encodeBlob(plain);
    this.presealed.sealed.delete(plain);
    return done;
  }
}

/**
 * Starts a {@link WriteSession} exactly as `Repository.startWrite` does (shared lock, then the
 * index, then adoption of a crashed writer's packs), but whose key and codec take a blob's id
 * and sealed bytes from `presealed` when a worker thread already computed them. The session's
 * write order, dedup and crash rules are unchanged; only where the CPU work runs differs.
 */
export async function startPresealedSession(
  repo: Repository,
  operation: string,
  presealed: Presealed,
  options: WriteSessionOptions = {},
): Promise<WriteSession> {
  const lock = await repo.lockShared(operation);
  try {
    const loaded = await repo.loadIndex();
    const adopted = await adoptRecentPacks(repo.backend, repo.codec, loaded.index);
    const sessionRepo = {
      backend: repo.backend,
      config: repo.config,
      key: new PresealedKey(repo.key, presealed),
      codec: new PresealedCodec(repo.codec, presealed),
      saveSnapshotObject: repo.saveSnapshotObject.bind(repo),
    };
    return new WriteSession(sessionRepo, loaded, lock, { ...options, adopted });
  } catch (error) {
    await lock.release().catch(() => undefined);
    throw error;
  }
}

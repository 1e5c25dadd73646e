import { BugError } from "../../model/errors.js";
import { BlobType } from "../pack/pack-entry.js";
import type { WriteSession } from "../write-session.js";
import type { TransferCounters } from "./backup-progress.js";
import type { BlobWorkerPool } from "./blob-worker-pool.js";
import { Semaphore } from "./semaphore.js";

/**
 * Stores data blobs through a write session with the CPU work on worker threads. At most
 * `inFlight` chunks are between the reader and the pack writer at once, so memory stays at
 * about inFlight × the largest chunk, plus the pack writer's buffers; the reader blocks in
 * {@link store} when all slots are taken (backpressure).
 *
 * Per chunk: a worker computes the keyed id; a chunk the repository already holds is not
 * sealed or uploaded; a new one goes back to a worker for zstd + AES-GCM, then into a pack.
 */
export class BlobPipeline {
  readonly #slots: Semaphore;
  readonly #pending = new Set<Promise<void>>();
  #failure: { error: unknown } | undefined;
  readonly #free: Uint8Array[] = [];
  readonly #maxFree: number;

  constructor(
    private readonly session: WriteSession,
    private readonly pool: BlobWorkerPool,
    private readonly counters: TransferCounters,
    inFlight = pool.size * 4,
  ) {
    this.#slots = new Semaphore(inFlight);
    this.#maxFree = inFlight;
  }

  /**
   * Queues one chunk and resolves once a slot was free, not when the chunk is stored: `id`
   * resolves to the blob's hex id once it is in the session. The chunk is copied unless it owns
   * its whole ArrayBuffer (which is then transferred: the caller must not reuse it).
   * Call {@link drain} before committing.
   */
  async submit(chunk: Uint8Array): Promise<{ id: Promise<string> }> {
    this.#rethrow();
    // A copy (Buffer#slice would be a view, and transferring it would detach the source).
    const plain = chunk.byteLength === chunk.buffer.byteLength ? chunk : new Uint8Array(chunk);
    await this.#slots.acquire();
    const id = this.#storeOne(plain);
    const work = id.then(
      () => undefined,
      (error: unknown) => {
        this.#failure ??= { error };
      },
    );
    this.#pending.add(work);
    void work.finally(() => {
      this.#pending.delete(work);
      this.#slots.release();
    });
    // The failure is also reported by drain; keep an unawaited id from crashing the process.
    id.catch(() => undefined);
    return { id };
  }

  /** Waits for every queued chunk; rejects with the first failure. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    this.#rethrow();
  }

  async #storeOne(plain: Uint8Array): Promise<string> {
    const hashed = await this.pool.run(plain, false);
    let blob = hashed.plain;
    let sealed: Uint8Array | undefined;
    if (!this.session.has(hashed.id)) {
      const done = await this.pool.run(blob, true);
      blob = done.plain;
      sealed = done.sealed;
    }
    // The session's index only grows, so a blob it already had never asks for sealed bytes.
    const result = await this.session.savePresealed(BlobType.data, hashed.id, blob.length, () => {
      if (sealed === undefined) throw new BugError("a known blob was asked to be sealed");
      return sealed;
    });
    if (result.stored && sealed !== undefined) this.counters.bytesTransferred += sealed.length;
    // The session keeps only the sealed bytes: the plaintext buffer can be read into again.
    if (this.#free.length < this.#maxFree) this.#free.push(blob);
    return hashed.id.toString("hex");
  }

  /**
   * A buffer of exactly `length` bytes for the reader to fill and {@link submit}: a recycled
   * plaintext buffer when one of that size is free, so a long image backup does not allocate
   * (and leave to the garbage collector) one buffer per chunk.
   */
  /** Returns a buffer from {@link buffer} that was not submitted (e.g. an all-zero chunk). */
  recycle(buffer: Uint8Array): void {
    if (this.#free.length < this.#maxFree) this.#free.push(buffer);
  }

  buffer(length: number): Uint8Array {
    const i = this.#free.findIndex((b) => b.byteLength === length);
    if (i < 0) return new Uint8Array(new ArrayBuffer(length));
    return this.#free.splice(i, 1)[0]!;
  }

  #rethrow(): void {
    if (this.#failure) throw this.#failure.error;
  }
}

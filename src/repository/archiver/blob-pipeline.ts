import { BugError } from "../../model/errors.js";
import { blobSealOverhead } from "../codec.js";
import { BlobType } from "../pack/pack-entry.js";
import type { WriteSession } from "../write-session.js";
import type { TransferCounters } from "./backup-progress.js";
import type { BlobWorkerPool } from "./blob-worker-pool.js";
import { Semaphore } from "./semaphore.js";

/** New chunks in a row after which the next chunks are hashed and sealed in one worker trip. */
const eagerAfter = 4;
/** Smaller sealed buffers are left to the collector (they may be views of Node's Buffer pool). */
const minRecycled = 64 * 1024;

/**
 * Stores data blobs through a write session with the CPU work on worker threads. At most
 * `inFlight` chunks are between the reader and the pack writer at once, so memory stays at
 * about inFlight × the largest chunk, plus the pack writer's buffers; the reader blocks in
 * {@link store} when all slots are taken (backpressure).
 *
 * Per chunk: a worker computes the keyed id; a chunk the repository already holds is not
 * sealed or uploaded; a new one goes back to a worker for zstd + AES-GCM, then into a pack.
 * While chunks keep being new (a full backup), the worker seals in the same trip as it hashes.
 * Plaintext and sealed buffers are recycled, so a long backup allocates almost nothing per chunk.
 */
export class BlobPipeline {
  readonly #slots: Semaphore;
  readonly #pending = new Set<Promise<void>>();
  #failure: { error: unknown } | undefined;
  readonly #free: Uint8Array[] = [];
  /** Buffers the workers sealed into, handed back once the pack writer copied them. */
  readonly #outputs: Uint8Array[] = [];
  readonly #maxFree: number;
  /** New chunks in a row so far; from {@link eagerAfter} on, chunks are sealed eagerly. */
  #newRun = 0;

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
    // After a run of new chunks, seal in the same trip as the hash: one message pair instead of
    // two per chunk. A chunk that turns out known then wastes its sealing, which the run rule
    // keeps rare when re-reading mostly unchanged data.
    const eager = this.#newRun >= eagerAfter;
    const first = await this.pool.run(plain, eager, eager ? this.#output(plain.length) : undefined);
    let blob = first.plain;
    let sealed = first.sealed;
    if (this.session.has(first.id)) {
      this.#newRun = 0;
      if (sealed !== undefined) this.#recycleOutput(sealed);
      sealed = undefined;
    } else {
      this.#newRun++;
      if (sealed === undefined) {
        const done = await this.pool.run(blob, true, this.#output(blob.length));
        blob = done.plain;
        sealed = done.sealed;
      }
    }
    // The session's index only grows, so a blob it already had never asks for sealed bytes.
    const result = await this.session.savePresealed(BlobType.data, first.id, blob.length, () => {
      if (sealed === undefined) throw new BugError("a known blob was asked to be sealed");
      return sealed;
    });
    if (result.stored && sealed !== undefined) this.counters.bytesTransferred += sealed.length;
    // The pack writer copied the sealed bytes and the session keeps only those: both buffers can
    // be used again.
    if (sealed !== undefined) this.#recycleOutput(sealed);
    this.recycle(blob);
    return first.id.toString("hex");
  }

  /** A buffer to seal a blob of `length` bytes into: a recycled one when one is large enough. */
  #output(length: number): Uint8Array {
    const i = this.#outputs.findIndex((b) => b.length >= length + blobSealOverhead);
    if (i < 0) return new Uint8Array(new ArrayBuffer(length + blobSealOverhead));
    return this.#outputs.splice(i, 1)[0]!;
  }

  #recycleOutput(sealed: Uint8Array): void {
    // Never a small Buffer: those share Node's pool with unrelated bytes.
    if (sealed.buffer.byteLength < minRecycled) return;
    if (this.#outputs.length < this.#maxFree) this.#outputs.push(new Uint8Array(sealed.buffer));
  }

  /**
   * A buffer of exactly `length` bytes for the reader to fill and {@link submit}: a recycled
   * plaintext buffer when one of that size is free, so a long image backup does not allocate
   * (and leave to the garbage collector) one buffer per chunk.
   */
  /** Returns a buffer from {@link buffer} that was not submitted (e.g. an all-zero chunk). */
  recycle(buffer: Uint8Array): void {
    // Small buffers (image patches) would fill the free list and crowd out the chunk-sized ones.
    if (buffer.byteLength < minRecycled) return;
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

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { LifeboatError, type ErrorCode } from "../../model/errors.js";
import type { Codec } from "../codec.js";
import type { MasterKey } from "../crypto/master-key.js";
import type { BlobJob, BlobReply, RunBlob } from "./blob-job.js";

/** A blob's id and, when asked, its sealed bytes, computed on a worker thread. */
export interface WorkedBlob {
  readonly id: Buffer;
  /** The plaintext, handed back (it travelled to the worker and back without a copy). */
  readonly plain: Uint8Array;
  readonly sealed?: Uint8Array;
  readonly compressed?: boolean;
}

interface Waiter {
  resolve(reply: BlobReply): void;
  reject(error: unknown): void;
  /** The worker the job went to, to keep its load count. */
  readonly worker: number;
}

/**
 * Hashing and sealing done on the calling thread before the pool starts its workers: one
 * worker's start-up (a thread, an isolate, the codec's modules) costs about 30 ms of CPU, as
 * much as sealing 4 MiB, so a small backup (an incremental of a few changed ranges) never starts
 * them (docs/backup-restore.md, "Parallelism and memory").
 */
export interface InlineWork {
  /** The main thread's codec (the repository's): seals exactly as a worker does. */
  readonly codec: Codec;
  /** Plaintext bytes (hashed or sealed, counted per call) to handle inline; then workers start. */
  readonly bytes: number;
}

/** Worker threads to start: one per core (the main thread mostly waits on I/O). */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * A fixed pool of worker threads that hash (HMAC-SHA256 id) and seal (zstd + AES-256-GCM)
 * blobs, and open them for restores. A job goes to the worker with the fewest jobs queued (runs
 * of blobs differ in size, so round-robin would leave a core idle); each worker handles its
 * queue in order. The pool holds
 * no chunk itself: callers bound memory by bounding the jobs they submit (see BlobPipeline).
 * Plaintext buffers are transferred, so a caller must not touch one until its job resolves.
 * Workers start with the first job that goes to them; with {@link InlineWork} the first `store`
 * jobs run on the calling thread instead, until their budget is spent.
 */
export class BlobWorkerPool {
  #workers: Worker[] | undefined;
  readonly #size: number;
  readonly #key: MasterKey;
  readonly #inline: Codec | undefined;
  #inlineLeft: number;
  readonly #waiting = new Map<number, Waiter>();
  #seq = 0;
  /** Jobs queued on each worker. */
  readonly #load: number[];
  #closed = false;
  /** Set when a worker died: every later job fails at once instead of waiting forever. */
  #broken: unknown;

  constructor(key: MasterKey, size = defaultWorkerCount(), inline?: InlineWork) {
    this.#key = key;
    this.#size = size;
    this.#inline = inline?.codec;
    this.#inlineLeft = inline?.bytes ?? 0;
    this.#load = Array.from({ length: size }, () => 0);
  }

  get size(): number {
    return this.#size;
  }

  /** True once the worker threads were started (a small enough backup never starts them). */
  get started(): boolean {
    return this.#workers !== undefined;
  }

  #start(): Worker[] {
    const url = new URL("./blob-worker.js", import.meta.url);
    return Array.from({ length: this.#size }, () => {
      const worker = new Worker(url, { workerData: this.#key.bytes() });
      worker.on("message", (reply: BlobReply) => this.#onReply(reply));
      worker.on("error", (error) => this.#failAll(error));
      worker.on("exit", (code) => {
        if (!this.#closed) {
          this.#failAll(new LifeboatError("LB_INTERNAL", `blob worker exited (code ${code})`));
        }
      });
      return worker;
    });
  }

  /**
   * Computes the blob id of `plain`, and seals it when `seal` (into `output` when it is given
   * and large enough: the sealed bytes are then a view of it). `plain` and `output` must own
   * their buffers, which are transferred and handed back in the result.
   */
  async run(plain: Uint8Array, seal: boolean, output?: Uint8Array): Promise<WorkedBlob> {
    if (this.#inline && this.#workers === undefined && plain.byteLength <= this.#inlineLeft) {
      if (this.#closed) throw new LifeboatError("LB_INTERNAL", "blob worker pool is closed");
      this.#inlineLeft -= plain.byteLength;
      const id = this.#key.blobId(plain);
      if (!seal) return { id, plain };
      const { sealed, compressed } = this.#inline.encodeBlob(plain, output);
      return { id, plain, sealed, compressed };
    }
    const job: BlobJob = { op: "store", seq: this.#seq++, plain, seal, ...(output && { output }) };
    const reply = await this.#post(job, plain, output);
    return {
      id: Buffer.from(reply.id!.buffer, reply.id!.byteOffset, reply.id!.byteLength),
      plain: reply.plain!,
      ...(reply.sealed ? { sealed: reply.sealed, compressed: reply.compressed ?? false } : {}),
    };
  }

  /**
   * Decrypts and decompresses a sealed blob and checks it hashes to `id`; damage rejects with
   * the integrity error `Repository.readBlob` would throw. `sealed` must own its buffer.
   */
  async open(sealed: Uint8Array, rawLength: number, id: Uint8Array, what: string) {
    const reply = await this.#post(
      { op: "open", seq: this.#seq++, sealed, rawLength, id, what },
      sealed,
    );
    return reply.plain!;
  }

  /**
   * Opens blobs stored back to back in `sealed` (one ranged load, transferred whole unless it
   * lies in a SharedArrayBuffer, which the caller may reuse once this settles) on one worker, checks each against its id and writes its pieces into the open file `fd`; resolves
   * the plaintext bytes written, or rejects with the first blob's damage (blobs before it may
   * already be written) or the write's system error.
   */
  async openWrite(
    sealed: Uint8Array,
    blobs: readonly RunBlob[],
    fd: number,
    what: string,
    direct?: { readonly fd: number; readonly probeFd: number },
  ): Promise<number> {
    const reply = await this.#post(
      { op: "openWrite", seq: this.#seq++, sealed, blobs, fd, what, ...(direct ? { direct } : {}) },
      sealed,
    );
    return reply.written!;
  }

  #post(job: BlobJob, transfer: Uint8Array, also?: Uint8Array): Promise<BlobReply> {
    if (this.#closed) throw new LifeboatError("LB_INTERNAL", "blob worker pool is closed");
    if (this.#broken !== undefined) return Promise.reject(this.#broken);
    const workers = (this.#workers ??= this.#start());
    let chosen = 0;
    for (let i = 1; i < this.#load.length; i++)
      if (this.#load[i]! < this.#load[chosen]!) chosen = i;
    this.#load[chosen]!++;
    return new Promise<BlobReply>((resolve, reject) => {
      this.#waiting.set(job.seq, { resolve, reject, worker: chosen });
      // A shared buffer (restore's reused runs) is not transferred: both threads see it.
      const buffers: ArrayBuffer[] = [];
      for (const bytes of [transfer, also]) {
        if (bytes !== undefined && !(bytes.buffer instanceof SharedArrayBuffer)) {
          buffers.push(bytes.buffer as ArrayBuffer);
        }
      }
      workers[chosen]!.postMessage(job, buffers);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all((this.#workers ?? []).map((w) => w.terminate()));
  }

  #onReply(reply: BlobReply): void {
    const waiter = this.#waiting.get(reply.seq);
    if (!waiter) return;
    this.#waiting.delete(reply.seq);
    this.#load[waiter.worker]!--;
    if (reply.code !== undefined) {
      const code = reply.code as ErrorCode;
      waiter.reject(new LifeboatError(code, reply.error ?? code, { details: reply.details ?? {} }));
    } else if (reply.errno !== undefined) {
      // A system error (a full disk under a restore): the same error the main thread's own
      // write would have thrown.
      waiter.reject(Object.assign(new Error(reply.error), { code: reply.errno }));
    } else if (reply.error !== undefined || (!reply.plain && reply.written === undefined)) {
      waiter.reject(new LifeboatError("LB_INTERNAL", `blob worker failed: ${reply.error}`));
    } else {
      waiter.resolve(reply);
    }
  }

  #failAll(error: unknown): void {
    this.#broken ??= error;
    for (const waiter of this.#waiting.values()) waiter.reject(error);
    this.#waiting.clear();
  }
}

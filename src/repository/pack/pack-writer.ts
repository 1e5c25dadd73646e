import { createHash } from "node:crypto";
import type { Backend } from "../backend.js";
import type { Codec } from "../codec.js";
import type { BlobType, PackEntry } from "./pack-entry.js";
import { packTail } from "./pack-header.js";

/** The largest pack size a repository config allows; larger targets are for tests. */
const maxPackSize = 128 * 1024 * 1024;

/**
 * A writer's first pack buffer: grown when the pack outgrows it, later packs get a full one. A
 * full 33 MiB buffer per blob type made every small backup allocate 66 MiB that V8 counts as
 * external memory, which set off several "external memory pressure" collections (10–30 ms
 * each) though the pages were never touched.
 */
const firstPackBuffer = 4 * 1024 * 1024;

export interface FlushedPack {
  readonly packId: string;
  readonly size: number;
  readonly entries: readonly PackEntry[];
}

export interface PackWriterOptions {
  /** A pack is flushed once its blobs reach this many bytes. */
  readonly targetSize: number;
  /** Packs uploading at once before `add` waits; bounds memory at ≈ (n + 1) × target. */
  readonly maxPendingUploads?: number;
  /** Called once per pack after the backend stored it, in completion order. */
  readonly onFlushed: (pack: FlushedPack) => void;
}

/**
 * Gathers sealed blobs into packs (docs/repository-format.md, "Packs") and uploads each pack
 * under the SHA-256 of its bytes. A crash loses only the packs not yet uploaded; an uploaded
 * pack is never referenced until an index file names it, so a half-written session is harmless.
 */
export class PackWriter {
  #pack = new PackBuffer(new Uint8Array(0));
  #entries: PackEntry[] = [];
  readonly #pending = new Set<Promise<void>>();
  /** Buffers of uploaded packs, reused for the next packs instead of left to the collector. */
  readonly #free: Uint8Array[] = [];
  #failure: { error: unknown } | undefined;
  #started = false;

  constructor(
    private readonly backend: Backend,
    private readonly codec: Codec,
    private readonly options: PackWriterOptions,
  ) {}

  /** Bytes buffered for the pack being filled. */
  get bufferedBytes(): number {
    return this.#pack.size;
  }

  /**
   * Copies `sealed` into the pack being filled, so the caller's buffer is free at once and a
   * pack is held once (not as parts plus their concatenation) in a buffer that is reused.
   */
  async add(type: BlobType, id: Uint8Array, sealed: Uint8Array, rawLength: number): Promise<void> {
    this.#rethrow();
    if (this.#entries.length === 0) {
      // Sized for a full pack plus a chunk (a huge target starts smaller and grows); a writer's
      // first pack starts at 4 MiB (see firstPackBuffer).
      const full = Math.min(this.options.targetSize, maxPackSize) + 1024 * 1024;
      const capacity = this.#started ? full : Math.min(full, firstPackBuffer);
      this.#started = true;
      this.#pack = new PackBuffer(this.#free.pop() ?? new Uint8Array(capacity), full);
    }
    this.#entries.push({ type, id, offset: this.#pack.size, length: sealed.length, rawLength });
    this.#pack.append(sealed);
    if (this.#pack.size >= this.options.targetSize) await this.flush();
  }

  /** Starts uploading the current pack (if any); waits while too many uploads are in flight. */
  async flush(): Promise<void> {
    this.#rethrow();
    if (this.#entries.length > 0) {
      const pack = this.#pack;
      const entries = this.#entries;
      this.#pack = new PackBuffer(new Uint8Array(0));
      this.#entries = [];
      const upload = this.#upload(pack, entries).then(
        () => undefined,
        (error: unknown) => {
          this.#failure ??= { error };
        },
      );
      this.#pending.add(upload);
      void upload.finally(() => this.#pending.delete(upload));
    }
    while (this.#pending.size > (this.options.maxPendingUploads ?? 2)) {
      await Promise.race(this.#pending);
    }
    this.#rethrow();
  }

  /** Flushes and waits for every upload; rejects with the first upload failure. */
  async finish(): Promise<void> {
    await this.flush();
    await Promise.all(this.#pending);
    this.#free.length = 0;
    this.#rethrow();
  }

  async #upload(pack: PackBuffer, entries: PackEntry[]): Promise<void> {
    pack.append(packTail(this.codec, entries));
    const bytes = pack.bytes();
    const packId = pack.hash.digest("hex");
    await this.backend.save("data", packId, bytes);
    // The backend is done with the bytes (it resolved): the buffer can take the next pack.
    if (this.#free.length < 2) this.#free.push(pack.buffer);
    this.options.onFlushed({ packId, size: bytes.length, entries });
  }

  #rethrow(): void {
    if (this.#failure) throw this.#failure.error;
  }
}

/**
 * A pack's bytes in one buffer, grown only when a pack's last blob or header overshoots it, or
 * when a writer's small first buffer fills (then straight to `full`, in one copy). The pack's
 * SHA-256 (its name) is computed as blobs are appended, while they are hot in the cache,
 * instead of over the whole pack at upload: that stalled the main thread ~30 ms per 32 MiB pack
 * while the workers ran out of queued chunks.
 */
class PackBuffer {
  size = 0;
  readonly hash = createHash("sha256");

  constructor(
    public buffer: Uint8Array,
    private readonly full = 0,
  ) {}

  append(bytes: Uint8Array): void {
    const needed = this.size + bytes.length;
    if (needed > this.buffer.length) {
      const next =
        this.buffer.length < this.full ? this.full : Math.ceil(this.buffer.length * 1.25);
      const grown = new Uint8Array(Math.max(needed, next));
      grown.set(this.buffer.subarray(0, this.size));
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.size);
    this.hash.update(bytes);
    this.size = needed;
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.size);
  }
}

import { createHash } from "node:crypto";
import type { Backend } from "../backend.js";
import type { Codec } from "../codec.js";
import type { BlobType, PackEntry } from "./pack-entry.js";
import { packTail } from "./pack-header.js";

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
  #parts: Uint8Array[] = [];
  #entries: PackEntry[] = [];
  #size = 0;
  readonly #pending = new Set<Promise<void>>();
  #failure: { error: unknown } | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly codec: Codec,
    private readonly options: PackWriterOptions,
  ) {}

  /** Bytes buffered for the pack being filled. */
  get bufferedBytes(): number {
    return this.#size;
  }

  async add(type: BlobType, id: Uint8Array, sealed: Uint8Array, rawLength: number): Promise<void> {
    this.#rethrow();
    this.#entries.push({ type, id, offset: this.#size, length: sealed.length, rawLength });
    this.#parts.push(sealed);
    this.#size += sealed.length;
    if (this.#size >= this.options.targetSize) await this.flush();
  }

  /** Starts uploading the current pack (if any); waits while too many uploads are in flight. */
  async flush(): Promise<void> {
    this.#rethrow();
    if (this.#entries.length > 0) {
      const parts = this.#parts;
      const entries = this.#entries;
      this.#parts = [];
      this.#entries = [];
      this.#size = 0;
      const upload = this.#upload(parts, entries).then(
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
    this.#rethrow();
  }

  async #upload(parts: Uint8Array[], entries: PackEntry[]): Promise<void> {
    parts.push(packTail(this.codec, entries));
    const hash = createHash("sha256");
    for (const part of parts) hash.update(part);
    const packId = hash.digest("hex");
    const bytes = Buffer.concat(parts);
    await this.backend.save("data", packId, bytes);
    this.options.onFlushed({ packId, size: bytes.length, entries });
  }

  #rethrow(): void {
    if (this.#failure) throw this.#failure.error;
  }
}

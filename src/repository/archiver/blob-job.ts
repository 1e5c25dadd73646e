/** Messages between the main thread and a blob worker (blob-worker.ts). */
export type BlobJob =
  | {
      readonly op: "store";
      readonly seq: number;
      /** Owns its whole ArrayBuffer: it is transferred to the worker and back. */
      readonly plain: Uint8Array;
      /** Also compress and encrypt (otherwise only the id is computed). */
      readonly seal: boolean;
      /**
       * With `seal`: a buffer to seal into (transferred), so sealing allocates nothing; the reply's
       * `sealed` is then a view of it. Too small a buffer is ignored.
       */
      readonly output?: Uint8Array;
    }
  | {
      readonly op: "open";
      readonly seq: number;
      /** A sealed blob as loaded from its pack (transferred). */
      readonly sealed: Uint8Array;
      readonly rawLength: number;
      /** The id the index gives it; the decrypted bytes must hash to it. */
      readonly id: Uint8Array;
      /** For messages: `data/ab/abcd…`. */
      readonly what: string;
    }
  | {
      readonly op: "openWrite";
      readonly seq: number;
      /** Sealed blobs stored back to back, as one ranged load returned them (transferred). */
      readonly sealed: Uint8Array;
      readonly blobs: readonly RunBlob[];
      /**
       * The open file the plaintexts are written to with positioned writes. A descriptor is
       * process-wide, so a worker writes into the file the main thread opened.
       */
      readonly fd: number;
      /**
       * Also open on the file with `O_DIRECT`: block-aligned batches are written with `fd`
       * there, bypassing the page cache; `probeFd` is a direct descriptor on a scratch file,
       * written to find an aligned start in the worker's memory (direct-write.ts).
       */
      readonly direct?: { readonly fd: number; readonly probeFd: number };
      readonly what: string;
    };

/** A blob in an `openWrite` run: where it sits in the run, and where its bytes go in the file. */
export interface RunBlob {
  readonly offset: number;
  readonly length: number;
  readonly rawLength: number;
  /** The id the index gives it; the decrypted bytes must hash to it. */
  readonly id: Uint8Array;
  /** Bytes [from, from+length) of the plaintext go to `fileOffset` (holes are skipped). */
  readonly pieces: readonly { fileOffset: number; from: number; length: number }[];
}

export interface BlobReply {
  readonly seq: number;
  readonly id?: Uint8Array;
  readonly plain?: Uint8Array;
  /** openWrite: plaintext bytes written to the file. */
  readonly written?: number;
  readonly sealed?: Uint8Array;
  readonly compressed?: boolean;
  readonly error?: string;
  /** A LifeboatError's code and details, re-thrown as such on the main thread. */
  readonly code?: string;
  readonly details?: Record<string, unknown>;
  /** A system error's code (e.g. ENOSPC from a write), re-thrown with it. */
  readonly errno?: string;
}

/** Messages between the main thread and a blob worker (blob-worker.ts). */
export type BlobJob =
  | {
      readonly op: "store";
      readonly seq: number;
      /** Owns its whole ArrayBuffer: it is transferred to the worker and back. */
      readonly plain: Uint8Array;
      /** Also compress and encrypt (otherwise only the id is computed). */
      readonly seal: boolean;
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
      readonly op: "openRun";
      readonly seq: number;
      /** Sealed blobs stored back to back, as one ranged load returned them (transferred). */
      readonly sealed: Uint8Array;
      /** Where each blob sits in `sealed`, its plaintext length and the id it must hash to. */
      readonly blobs: readonly {
        offset: number;
        length: number;
        rawLength: number;
        id: Uint8Array;
      }[];
      readonly what: string;
    };

export interface BlobReply {
  readonly seq: number;
  readonly id?: Uint8Array;
  readonly plain?: Uint8Array;
  /** openRun: the plaintexts, in order. */
  readonly plains?: Uint8Array[];
  readonly sealed?: Uint8Array;
  readonly compressed?: boolean;
  readonly error?: string;
  /** A LifeboatError's code and details, re-thrown as such on the main thread. */
  readonly code?: string;
  readonly details?: Record<string, unknown>;
}

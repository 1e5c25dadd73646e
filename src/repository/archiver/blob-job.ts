/** Messages between the main thread and a blob worker (blob-worker.ts). */
export interface BlobJob {
  readonly seq: number;
  /** Owns its whole ArrayBuffer: it is transferred to the worker and back. */
  readonly plain: Uint8Array;
  /** Also compress and encrypt (otherwise only the id is computed). */
  readonly seal: boolean;
}

export interface BlobReply {
  readonly seq: number;
  readonly id?: Uint8Array;
  readonly plain?: Uint8Array;
  readonly sealed?: Uint8Array;
  readonly compressed?: boolean;
  readonly error?: string;
}

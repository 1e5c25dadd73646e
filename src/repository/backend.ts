/**
 * The storage port of the repository: a flat store of immutable named byte strings, grouped by
 * object type. Everything above it (packs, index, snapshots, locks) relies only on this
 * contract, so a new storage service needs one adapter that passes the shared conformance suite
 * (`test/integration/repo-backend-conformance.ts`).
 *
 * Semantics every implementation guarantees:
 * - `save` is atomic: a reader sees the whole object or nothing, also after a crash. It never
 *   overwrites: saving a name that exists leaves the stored object untouched and resolves
 *   `{ created: false }`. Because every name except `config` is the SHA-256 of the bytes, a
 *   repeated save (a retry, two writers producing the same pack) is idempotent.
 * - `load` of a missing object throws `LB_REPO_OBJECT_MISSING`. A range read returns the bytes
 *   that exist in the range, like `pread`: fewer than asked (or none) past the end of the object.
 * - `remove` is idempotent: removing a missing object succeeds.
 * - `list` returns every object of a type saved before the call started (read-after-write and
 *   list-after-write consistency), in no particular order.
 * - Failures are `LifeboatError`s: `retryable` is true only where retrying can help (network,
 *   throttling, 5xx); implementations do not retry by themselves — wrap them in
 *   {@link retryBackend} and {@link limitBackend}.
 */
import { invariant } from "../model/errors.js";

export const objectTypes = ["config", "keys", "data", "index", "snapshots", "locks"] as const;
export type ObjectType = (typeof objectTypes)[number];

export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

export interface ObjectInfo {
  readonly name: string;
  readonly size: number;
  /** The storage's modification time (its clock, not ours). */
  readonly modified: Date;
}

export interface ListOptions {
  /**
   * A hint: objects modified before this time (ms since the epoch, the storage's clock) may be
   * left out. An implementation that cannot skip them cheaply lists everything; callers filter
   * by `modified` themselves.
   */
  readonly modifiedSince?: number;
}

export interface SaveResult {
  /** False when the name existed already; the stored object was left as it was. */
  readonly created: boolean;
}

export interface Backend {
  /** Where the repository lives, for messages (`/srv/repo`, `s3://bucket/prefix`). */
  readonly location: string;
  save(type: ObjectType, name: string, data: Uint8Array): Promise<SaveResult>;
  /**
   * With `into` (and a range no longer than it), a backend that reads in place fills `into`
   * from its start and returns a view of it, so a caller can reuse one buffer for many loads;
   * others ignore it and return a buffer of their own.
   */
  load(type: ObjectType, name: string, range?: ByteRange, into?: Uint8Array): Promise<Uint8Array>;
  stat(type: ObjectType, name: string): Promise<ObjectInfo>;
  list(type: ObjectType, options?: ListOptions): Promise<ObjectInfo[]>;
  remove(type: ObjectType, name: string): Promise<void>;
  /** Releases connections and handles; the backend is unusable afterwards. */
  close(): Promise<void>;
}

export const configName = "config";
const idPattern = /^[0-9a-f]{64}$/;

/** The object's path relative to the repository root: `data/ab/abcd…`, `index/…`, `config`. */
export function objectPath(type: ObjectType, name: string): string {
  if (type === "config") {
    invariant(name === configName, `config object must be named ${configName}, got ${name}`);
    return configName;
  }
  invariant(idPattern.test(name), `object names are 64 lowercase hex characters, got ${name}`);
  return type === "data" ? `data/${name.slice(0, 2)}/${name}` : `${type}/${name}`;
}

/** Checks a name read back from storage; foreign files in the tree are skipped, not errors. */
export function isObjectName(type: ObjectType, name: string): boolean {
  return type === "config" ? name === configName : idPattern.test(name);
}

export function checkRange(range: ByteRange | undefined): void {
  if (range === undefined) return;
  invariant(
    Number.isSafeInteger(range.offset) && range.offset >= 0,
    `range offset must be a non-negative integer, got ${range.offset}`,
  );
  invariant(
    Number.isSafeInteger(range.length) && range.length >= 0,
    `range length must be a non-negative integer, got ${range.length}`,
  );
}

import type { ChangedRange, ImageSource } from "../repository/archiver/api.js";
import type { RecoveryPoint, RecoveryPointMethod } from "../model/recovery-point.js";
import type { JournalRecord } from "./journal/journal-reader.js";

/**
 * The state a change source compares against: the newest committed recovery point of the
 * volume (or, during a journal resynchronisation, a not-yet-consistent base snapshot), with
 * random access to its image and the repository's chunk ids.
 */
export interface BaseImage {
  readonly snapshotId: string;
  /** The point it belongs to; null for a resynchronisation base that is no point. */
  readonly point: RecoveryPoint | null;
  /** Source-specific position stored with the point (journal session and offset, CBT snapshot id). */
  readonly meta: Readonly<Record<string, unknown>>;
  readonly size: number;
  readonly chunkSize: number;
  /** The chunk id at position `index`, null for an all-zero chunk. */
  chunkId(index: number): string | null;
  /** The repository's chunk id for `data` (keyed: equal ids mean equal bytes). */
  idOf(data: Uint8Array): string;
  /** Bytes [offset, offset+length) of the base image, read from the repository. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** What changed since the base, cut at one instant. */
export interface ChangeSet {
  /** The instant the changes are cut at: the recovery point's `at`. */
  readonly at: Date;
  /**
   * False for a resynchronisation's first half: the set is stored as a base for the next
   * `changes` call, never recorded as a point (the journal source's fuzzy scan).
   */
  readonly consistent: boolean;
  /** Changed byte ranges since the base; null means "no usable base: read everything". */
  readonly ranges: readonly ChangedRange[] | null;
  /** The volume as it was at `at`; only chunks the ranges touch are read. */
  readonly image: ImageSource;
  /**
   * The journaled writes between the base and the cut, in write order (journal sources only):
   * kept in the repository with the point so any instant between points can be restored.
   */
  readonly writes?: readonly JournalRecord[];
  /** Source position to store with the point (the next cycle's `BaseImage.meta`). */
  readonly meta: Readonly<Record<string, unknown>>;
  /**
   * Called only after the point is recorded; the source may then drop what the point covers
   * (old journal segments). Never called when the cycle fails, so nothing is lost.
   */
  commit(): Promise<void>;
}

/** Bytes a source read from the device, journal or provider (the cost of an incremental). */
export interface SourceCounters {
  bytesRead: number;
}

/**
 * A change source (docs/protect.md): yields the byte ranges of one volume that changed since a
 * recovery point, and a view of the volume at the cut instant. Implementations: block-hash scan,
 * write journal, provider changed-block tracking; an NBD or device-mapper source would be one
 * more. `changes` has no side effect on the volume or the base; calling it again after a failed
 * cycle gives at least the same changes (a source never forgets changes before `commit`).
 */
export interface ChangeSource {
  readonly method: RecoveryPointMethod;
  readonly volume: string;
  readonly counters: SourceCounters;
  /**
   * How the source fixes its instant, which decides what a consistency group's quiesce hooks
   * must span: `cut` (a journal cut at a timestamp: no quiesce needed), `snapshot` (a provider
   * snapshot taken inside `changes`: quiesce around `changes` only), `live` (the device is read
   * while the point is uploaded: quiesce around `changes` and the upload).
   */
  readonly instant: "cut" | "snapshot" | "live";
  /**
   * Changes since `base` (null: the first point, everything is new). `at`: cut instant requested
   * by a consistency group; a source that cannot cut at an arbitrary instant ignores it and
   * reports the instant it used.
   */
  changes(base: BaseImage | null, options?: { readonly at?: Date }): Promise<ChangeSet>;
  /**
   * True when `changes(base)` would resynchronise (a `consistent: false` set). A consistency
   * group asks first, so it resynchronises before it picks the one instant to cut at.
   */
  resyncs?(base: BaseImage | null): Promise<boolean>;
}

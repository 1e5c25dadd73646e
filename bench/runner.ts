/**
 * One backup tool under benchmark. The harness calls, in order: `describe`, `init`,
 * `fullBackup` (image as generated), `incrementalBackup` (after the scattered writes),
 * `restore` (the latest backup, into an empty folder), with `repositorySize` after each backup.
 * Lifeboat's own runner plugs in here once the backup pipeline exists.
 */
import type { ByteRange } from "./image-generator.js";
import type { Measurement } from "./measure.js";

/** What the harness gives every runner. */
export interface BenchContext {
  /** A private, empty folder for this runner (repository, caches, restore target). */
  readonly workDir: string;
  /** Absolute path of the image file. */
  readonly image: string;
  readonly imageSize: number;
  /** The ranges changed before the incremental backup (for changed-block tracking). */
  readonly changedRanges: readonly ByteRange[];
}

export interface RunnerInfo {
  readonly version: string;
  /** The settings used, recorded so a reader can reproduce or question them. */
  readonly settings: string;
}

export interface Runner {
  readonly name: string;
  /** Resolves to null when the tool is not installed (the harness then reports it missing). */
  describe(): Promise<RunnerInfo | null>;
  init(context: BenchContext): Promise<void>;
  fullBackup(context: BenchContext): Promise<Measurement>;
  incrementalBackup(context: BenchContext): Promise<Measurement>;
  /** Restores the latest backup below `target`; returns the restored image's path. */
  restore(
    context: BenchContext,
    target: string,
  ): Promise<{ measurement: Measurement; file: string }>;
  /** Bytes the repository occupies on disk now. */
  repositorySize(context: BenchContext): Promise<number>;
}

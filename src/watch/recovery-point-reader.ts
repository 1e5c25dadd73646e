/** The newest recovery point of an environment, as `lifeboat status` shows it. */
export interface NewestRecoveryPoint {
  readonly id: string;
  /** The protected resource (a volume's or database's logical id). */
  readonly source: string;
  readonly kind: string;
  /** The instant the data is from (what RPO is measured against). */
  readonly at: Date;
}

/**
 * Reads recovery points for the watcher and `lifeboat status`. `newest` resolves with the
 * newest complete recovery point of the environment, or null when none was ever recorded; it
 * rejects when the store cannot be read (the caller reports that, it is not "none").
 * Read-only and side-effect free, so callers may call it as often as they like.
 */
export interface RecoveryPointReader {
  newest(environment: string, signal?: AbortSignal): Promise<NewestRecoveryPoint | null>;
}

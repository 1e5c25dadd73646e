import type { Repository } from "../repository.js";
import type { WriteSession, WriteSessionOptions } from "../write-session.js";
import { newCounters, type TransferCounters } from "./backup-progress.js";
import { BlobPipeline } from "./blob-pipeline.js";
import { BlobWorkerPool } from "./blob-worker-pool.js";

export interface ArchiveOptions {
  /** Worker threads; default one per core. */
  readonly workers?: number;
  /**
   * Plaintext bytes hashed and sealed on the main thread before the workers start (default
   * {@link inlineBytesDefault}; 0 always uses workers).
   */
  readonly inlineBytes?: number;
  /** Chunks between reader and pack writer; default 4 per worker. */
  readonly inFlight?: number;
  readonly session?: WriteSessionOptions;
  /** Updated as the backup runs (a progress renderer polls it). */
  readonly counters?: TransferCounters;
}

/**
 * A backup that hashes and seals less than this never starts worker threads: 8 MiB takes about
 * as long on one core as starting two workers (their threads and modules) costs.
 */
export const inlineBytesDefault = 8 * 1024 * 1024;

/** Everything one backup run uses: the repository, its write session, the worker pipeline. */
export interface ArchiveContext {
  readonly repo: Repository;
  readonly session: WriteSession;
  readonly pipeline: BlobPipeline;
  readonly counters: TransferCounters;
}

/**
 * Runs `body` inside a write session with a worker pool; aborts the session if `body` throws
 * (uploaded packs stay and are adopted by the next run) and always stops the workers.
 */
export async function withArchive<T>(
  repo: Repository,
  operation: string,
  options: ArchiveOptions,
  body: (ctx: ArchiveContext) => Promise<T>,
): Promise<T> {
  const pool = new BlobWorkerPool(repo.key, options.workers, {
    codec: repo.codec,
    bytes: options.inlineBytes ?? inlineBytesDefault,
  });
  try {
    const session = await repo.startWrite(operation, options.session);
    const counters = options.counters ?? newCounters();
    const pipeline = new BlobPipeline(session, pool, counters, options.inFlight);
    try {
      return await body({ repo, session, pipeline, counters });
    } catch (error) {
      await pipeline.drain().catch(() => undefined);
      await session.abort().catch(() => undefined);
      throw error;
    }
  } finally {
    await pool.close();
  }
}

/** The chunk ids of one stream, in order, once every chunk is stored. */
export async function allIds(ids: readonly Promise<string>[]): Promise<string[]> {
  return Promise.all(ids);
}

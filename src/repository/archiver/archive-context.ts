import type { Repository } from "../repository.js";
import type { WriteSession, WriteSessionOptions } from "../write-session.js";
import { newCounters, type TransferCounters } from "./backup-progress.js";
import { BlobPipeline } from "./blob-pipeline.js";
import { BlobWorkerPool } from "./blob-worker-pool.js";

export interface ArchiveOptions {
  /** Worker threads; default one per core. */
  readonly workers?: number;
  /** Chunks between reader and pack writer; default 4 per worker. */
  readonly inFlight?: number;
  readonly session?: WriteSessionOptions;
  /** Updated as the backup runs (a progress renderer polls it). */
  readonly counters?: TransferCounters;
}

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
  const pool = new BlobWorkerPool(repo.key, options.workers);
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

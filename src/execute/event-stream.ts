import { systemClock, type Clock } from "../model/clock.js";
import { terminalRunPhases } from "../model/plan/recorded-phases.js";
import { requireRun } from "../store/runs-repo.js";
import { listStepEvents, type StepEventRecord } from "../store/step-events-repo.js";
import type { StoreSession } from "../store/store.js";

export interface FollowOptions {
  /** Start after this sequence number (0: from the beginning; resume a stream with the last seen). */
  readonly afterSeq?: number;
  /** Wait between polls when nothing is new (default 500 ms). */
  readonly pollMs?: number;
  readonly clock?: Clock;
  /** Ends the stream early (the iterator then finishes without an error). */
  readonly signal?: AbortSignal;
}

/** One page of a run's journal after `afterSeq` (for `lifeboat events --after`, the API). */
export async function pollRunEvents(
  s: StoreSession,
  runId: string,
  afterSeq = 0,
  limit = 500,
): Promise<StepEventRecord[]> {
  return await listStepEvents(s, runId, { afterSeq, limit });
}

/**
 * Streams a run's journal in `seq` order, polling the store, and ends once the run has ended
 * and every entry was delivered. Entries commit in `seq` order (docs/state-store.md), so
 * polling after the last seen `seq` never misses one. Works from any process sharing the store.
 */
export async function* followRunEvents(
  s: StoreSession,
  runId: string,
  options: FollowOptions = {},
): AsyncGenerator<StepEventRecord> {
  const clock = options.clock ?? systemClock;
  let after = options.afterSeq ?? 0;
  while (!options.signal?.aborted) {
    // Read the phase before the page: an ended run's last entry is then in this page or earlier.
    const ended = terminalRunPhases.includes((await requireRun(s, runId)).phase);
    const page = await pollRunEvents(s, runId, after);
    for (const event of page) {
      after = event.seq;
      yield event;
    }
    if (page.length > 0) continue;
    if (ended) return;
    try {
      await clock.sleep(options.pollMs ?? 500, options.signal);
    } catch {
      return;
    }
  }
}

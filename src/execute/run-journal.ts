import { performance } from "node:perf_hooks";
import { LifeboatError, isLifeboatError, isRetryable } from "../model/errors.js";
import type { JsonObject } from "../store/codec.js";
import type { RecordedRunPhase } from "../model/plan/recorded-phases.js";
import { renewRunLease } from "../store/run-lease.js";
import { requireRun, updateRun, type RunPatch, type RunRecord } from "../store/runs-repo.js";
import { appendStepEvent } from "../store/step-events-repo.js";
import { updateStep, type StepPatch, type StepRecord } from "../store/steps-repo.js";
import type { Store, StoreSession } from "../store/store.js";

/** A journal entry: its type (`step.started`, …) and data. */
export interface JournalEvent {
  readonly type: string;
  readonly data?: JsonObject;
}

/**
 * The only writer of a run while an executor holds its lease. Every write is one transaction
 * that first renews the lease — which fences: once another executor has taken the run over,
 * the renewal matches no row and the write is rolled back with `LB_RUN_LOCKED` — then changes
 * the row and appends the journal entry, so state and journal never disagree. It also reports
 * the run's stored phase, which is how a cancel requested by another process is noticed.
 */
export class RunJournal {
  /** Monotonic time (ms) until which the lease is surely this executor's. */
  #heldUntil: number;

  constructor(
    private readonly store: Store,
    readonly runId: string,
    readonly owner: string,
    private readonly leaseTtlMs: number,
    /** Monotonic time (`performance.now()`) just before the lease was taken. */
    leasedAt: number = performance.now(),
  ) {
    this.#heldUntil = leasedAt + leaseTtlMs;
  }

  /**
   * Whether the lease is surely still this executor's: less than the ttl has passed, on the
   * monotonic clock, since the start of the last write that renewed it. False after a stall
   * longer than the ttl (a paused process), when another executor may have taken the run over.
   */
  holdsLease(): boolean {
    return performance.now() < this.#heldUntil;
  }

  /** The error a session stops with once {@link holdsLease} turned false. */
  leaseLapsed(): LifeboatError {
    return new LifeboatError(
      "LB_RUN_LOCKED",
      `the lease on run ${this.runId} may have expired: not renewed for ${this.leaseTtlMs} ms`,
      {
        details: { runId: this.runId, owner: this.owner, leaseTtlMs: this.leaseTtlMs },
        remedy: `Another process may have taken the run over; else resume it: lifeboat resume ${this.runId}`,
      },
    );
  }

  /** Updates a step (at the revision in `step`) and journals `event`; returns the new record. */
  async step(
    step: StepRecord,
    patch: StepPatch,
    event: JournalEvent,
  ): Promise<{ record: StepRecord; runPhase: RecordedRunPhase }> {
    return await this.write(async (tx, run) => {
      const record = await updateStep(tx, this.runId, step.stepId, step.revision, patch);
      await appendStepEvent(tx, { runId: this.runId, stepId: step.stepId, ...event });
      return { record, runPhase: run.phase };
    });
  }

  /** Updates the run at its current revision (a cancel may have moved it) and journals `event`. */
  async run(
    patch: (current: RunRecord) => RunPatch | undefined,
    event: JournalEvent,
  ): Promise<RunRecord> {
    return await this.write(async (tx, run) => {
      const change = patch(run);
      const updated = change ? await updateRun(tx, this.runId, run.revision, change) : run;
      await appendStepEvent(tx, { runId: this.runId, ...event });
      return updated;
    });
  }

  /** Journals an entry without changing state (handler notes); returns the run's phase. */
  async note(stepId: string | null, event: JournalEvent): Promise<RecordedRunPhase> {
    return await this.write(async (tx, run) => {
      await appendStepEvent(tx, { runId: this.runId, stepId, ...event });
      return run.phase;
    });
  }

  /** Renews the lease on its own (the keep-alive between writes); returns the run. */
  async renew(): Promise<RunRecord> {
    return await this.write(async (_tx, run) => run);
  }

  private async write<T>(fn: (tx: StoreSession, run: RunRecord) => Promise<T>): Promise<T> {
    // Lock waits (SQLite busy, PostgreSQL serialisation) are retryable; a lost lease is not.
    for (let attempt = 1; ; attempt++) {
      const began = performance.now();
      try {
        const result = await this.store.transaction(async (tx) => {
          await this.fence(tx);
          return await fn(tx, await requireRun(tx, this.runId));
        });
        // The store's expiry is at least its now (taken after `began`) + ttl.
        this.#heldUntil = Math.max(this.#heldUntil, began + this.leaseTtlMs);
        return result;
      } catch (error) {
        if (attempt >= 5 || !isRetryable(error) || isLifeboatError(error, "LB_RUN_LOCKED")) {
          throw error;
        }
      }
    }
  }

  private async fence(tx: StoreSession): Promise<void> {
    try {
      await renewRunLease(tx, this.runId, this.owner, this.leaseTtlMs);
    } catch (error) {
      if (!isLifeboatError(error, "LB_STORE_CONFLICT")) throw error;
      throw new LifeboatError("LB_RUN_LOCKED", `lost the lease on run ${this.runId}`, {
        cause: error,
        details: { runId: this.runId, owner: this.owner, ...error.details },
        retryable: false,
      });
    }
  }
}

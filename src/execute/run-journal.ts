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
  constructor(
    private readonly store: Store,
    readonly runId: string,
    readonly owner: string,
    private readonly leaseTtlMs: number,
  ) {}

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
      try {
        return await this.store.transaction(async (tx) => {
          await this.fence(tx);
          return await fn(tx, await requireRun(tx, this.runId));
        });
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

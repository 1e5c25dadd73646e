import { toErrorJson, type LifeboatError } from "../model/errors.js";
import type { RunJournal } from "../execute/run-journal.js";
import type { Clock } from "../model/clock.js";
import type { JsonObject } from "../store/codec.js";
import type { RecordedRunPhase } from "../model/plan/recorded-phases.js";
import type { StepRecord } from "../store/steps-repo.js";
import type { StoredError } from "../store/stored-error.js";

/** A progress event of a workflow run, as the CLI shows it (docs/cli-json.md). */
export interface WorkflowEvent {
  readonly runId: string;
  readonly stepId: string | null;
  /** The journal event type: `step.started`, `step.succeeded`, `workflow.finished`… */
  readonly type: string;
  readonly data: JsonObject;
}

/**
 * The run's step records and the only way the runner changes them: every change is one
 * journal write (state and journal entry in one transaction, fenced by the run's lease).
 * Remembers the run phase each write saw, which is how a cancel from another process shows up.
 */
export class StepBook {
  runPhase: RecordedRunPhase;

  constructor(
    private readonly journal: RunJournal,
    private readonly records: Map<string, StepRecord>,
    private readonly clock: Clock,
    runPhase: RecordedRunPhase,
    private readonly onEvent: (event: WorkflowEvent) => void,
  ) {
    this.runPhase = runPhase;
  }

  get(stepId: string): StepRecord {
    const record = this.records.get(stepId);
    if (!record) throw new Error(`workflow run has no step ${stepId}`);
    return record;
  }

  /** Whether the step ever started in its current round (pairs: "the first half ran"). */
  started(stepId: string): boolean {
    return this.get(stepId).startedAt !== null;
  }

  async begin(stepId: string, data: JsonObject): Promise<void> {
    const record = this.get(stepId);
    await this.write(
      record,
      {
        phase: "running",
        attempts: record.attempts + 1,
        startedAt: this.clock.now(),
        finishedAt: null,
        error: null,
      },
      "step.started",
      { ...data, attempt: record.attempts + 1 },
    );
  }

  async succeed(stepId: string, outputs: JsonObject, data: JsonObject): Promise<void> {
    const record = this.get(stepId);
    const durationMs = this.clock.now().getTime() - (record.startedAt?.getTime() ?? 0);
    await this.write(
      record,
      { phase: "succeeded", outputs, finishedAt: this.clock.now() },
      "step.succeeded",
      {
        ...data,
        durationMs,
      },
    );
  }

  async fail(stepId: string, error: LifeboatError, data: JsonObject): Promise<void> {
    const stored = storedError(error);
    const phase = error.code === "LB_CANCELLED" ? "cancelled" : "failed";
    await this.write(
      this.get(stepId),
      { phase, error: stored, finishedAt: this.clock.now() },
      `step.${phase}`,
      {
        ...data,
        error: stored as unknown as JsonObject,
      },
    );
  }

  async skip(stepId: string, reason: string): Promise<void> {
    await this.write(this.get(stepId), { phase: "skipped" }, "step.skipped", { reason });
  }

  /** Back to `pending` for another round (resume): it and its pair count as not started. */
  async reset(stepId: string, reason: string): Promise<void> {
    const patch = { phase: "pending", startedAt: null, finishedAt: null, error: null } as const;
    await this.write(this.get(stepId), patch, "step.reset", { reason });
  }

  /** A journal entry that changes no step (compensation, notes); returns the run's phase. */
  async note(stepId: string | null, type: string, data: JsonObject = {}): Promise<void> {
    this.runPhase = await this.journal.note(stepId, { type, data });
    this.onEvent({ runId: this.journal.runId, stepId, type, data });
  }

  emitRun(type: string, data: JsonObject): void {
    this.onEvent({ runId: this.journal.runId, stepId: null, type, data });
  }

  private async write(
    record: StepRecord,
    patch: Parameters<RunJournal["step"]>[1],
    type: string,
    data: JsonObject,
  ): Promise<void> {
    const written = await this.journal.step(record, patch, { type, data });
    this.records.set(record.stepId, written.record);
    this.runPhase = written.runPhase;
    this.onEvent({ runId: this.journal.runId, stepId: record.stepId, type, data });
  }
}

export function storedError(error: LifeboatError): StoredError {
  return JSON.parse(JSON.stringify(toErrorJson(error))) as StoredError;
}

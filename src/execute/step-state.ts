import type { StepEvent, StepPhase } from "../model/plan/phases.js";
import { transition } from "../model/plan/phases.js";
import type { JsonObject } from "../store/codec.js";
import type { StepPatch, StepRecord } from "../store/steps-repo.js";
import type { ExecutableStep } from "./execution-plan.js";
import { recordedStepPhase, type RecordedRunPhase } from "../model/plan/recorded-phases.js";
import type { RunJournal } from "./run-journal.js";

/** One step as a session sees it: the plan's step, its stored record and its model phase. */
export class StepState {
  phase: StepPhase;

  constructor(
    readonly step: ExecutableStep,
    public record: StepRecord,
  ) {
    this.phase = record.phase;
  }

  get id(): string {
    return this.step.id;
  }

  /**
   * Moves the step through the phase machine and makes it durable: the stored row and a
   * journal entry `step.<type>` in one transaction. Returns the run's stored phase.
   */
  async move(
    journal: RunJournal,
    event: StepEvent,
    type: string,
    patch: StepPatch = {},
    data: JsonObject = {},
  ): Promise<RecordedRunPhase> {
    const next = transition("step", this.phase, event);
    const { record, runPhase } = await journal.step(
      this.record,
      { ...patch, phase: recordedStepPhase(next) },
      { type: `step.${type}`, data: { phase: next, ...data } },
    );
    this.record = record;
    this.phase = next;
    return runPhase;
  }
}

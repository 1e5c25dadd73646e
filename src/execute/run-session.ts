import type { Clock } from "../model/clock.js";
import { BugError, LifeboatError } from "../model/errors.js";
import type { Logger } from "../model/logger.js";
import { transition } from "../model/plan/phases.js";
import type { JsonObject } from "../store/codec.js";
import type { RunPatch, RunRecord } from "../store/runs-repo.js";
import type { StepRecord } from "../store/steps-repo.js";
import { ancestorsOf, dependentsOf, type ExecutableStep } from "./execution-plan.js";
import { machineRunPhase, recordedRunPhase } from "../model/plan/recorded-phases.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { RunJournal } from "./run-journal.js";
import { guardSignal } from "./lease-guard.js";
import { runStep, storedError, type StepWork } from "./run-step.js";
import { StepState } from "./step-state.js";

/** What a session needs besides the run itself. */
export interface SessionOptions {
  readonly journal: RunJournal;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly concurrency: number;
  readonly retry: RetryPolicy;
  readonly random: () => number;
  /** Performs one step (a handler's `execute`, or `undo` in a teardown run). */
  readonly work: StepWork;
  /** Builds the run's report as it ends at `finishedAt` (stored with the final phase). */
  readonly report: (finishedAt: Date) => Promise<JsonObject>;
}

/**
 * One executor's pass over a run while it holds the lease: brings the journal to a state it
 * can continue from (crash recovery), starts steps as their dependencies succeed — at most
 * `concurrency` at a time, longest remaining chain first — and ends the run. A fatal error (a
 * lost lease, an unreachable store) stops it without ending the run, which stays resumable.
 */
export class RunSession {
  readonly #options: SessionOptions;
  readonly #states: Map<string, StepState>;
  readonly #order: Map<string, number>;
  readonly #priority: Map<string, number>;
  readonly #dependents: Map<string, string[]>;
  readonly #ancestors: Map<string, Set<string>>;
  readonly #outputs = new Map<string, JsonObject>();
  readonly #launched = new Set<string>();
  readonly #abort = new AbortController();
  #cancelRequested = false;
  #fatal: unknown;
  #inFlight = 0;
  #done: () => void = () => undefined;

  constructor(
    private run: RunRecord,
    steps: readonly ExecutableStep[],
    records: readonly StepRecord[],
    options: SessionOptions,
  ) {
    this.#options = options;
    // Handlers see the signal abort before their next cloud call once the lease may have lapsed.
    guardSignal(this.#abort.signal, this.#holds, this.#lapsed);
    const byId = new Map(records.map((r) => [r.stepId, r]));
    this.#states = new Map(
      steps.map((step) => {
        const record = byId.get(step.id);
        if (!record) throw new BugError(`run ${run.id} has no stored step ${step.id}`);
        return [step.id, new StepState(step, record)];
      }),
    );
    this.#order = new Map(steps.map((s, i) => [s.id, i]));
    this.#dependents = dependentsOf(steps);
    this.#ancestors = ancestorsOf(steps);
    this.#priority = chainLengths(steps, this.#dependents);
  }

  readonly #holds = () => this.#options.journal.holdsLease();
  readonly #lapsed = () => this.fail(this.#options.journal.leaseLapsed());

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** No new step starts; running handlers see their signal abort. */
  requestCancel(): void {
    this.#cancelRequested = true;
    this.#abort.abort();
  }

  /** Stops everything because the session can no longer write (lease lost, store gone). */
  fail(error: unknown): void {
    this.#fatal ??= error;
    this.#abort.abort();
  }

  /** Drives the run to an end; returns the final run record. */
  async drive(): Promise<RunRecord> {
    await this.#prepare();
    if (!this.#fatal) {
      const drained = new Promise<void>((resolve) => (this.#done = resolve));
      this.#pump();
      await drained;
    }
    if (this.#fatal) throw this.#fatal;
    return await this.#finish();
  }

  async #prepare(): Promise<void> {
    const { journal } = this.#options;
    const from = machineRunPhase(this.run.phase);
    if (from === "cancelling") this.#cancelRequested = true;
    const retrying = from === "failed" || from === "cancelled";
    this.run = await journal.run(
      (current) => {
        const phase = machineRunPhase(current.phase);
        const next = transition("run", phase, phase === "planned" ? "start" : "resume");
        const patch: RunPatch = { phase: recordedRunPhase(next) };
        if (phase === "planned") return { ...patch, startedAt: this.#options.clock.now() };
        return retrying ? { ...patch, finishedAt: null, error: null } : patch;
      },
      { type: from === "planned" ? "run.started" : "run.resumed", data: { from } },
    );
    // A cancel may have landed between taking the lease and this write.
    if (this.run.phase === "cancelling") this.#cancelRequested = true;
    for (const state of this.#states.values()) {
      if (state.phase === "succeeded") {
        this.#outputs.set(state.id, state.record.outputs ?? {});
      } else if (state.phase === "running") {
        // Journaled as running when the last executor stopped: run it again; it adopts.
        await state.move(journal, "interrupt", "interrupted", {}, { reason: "resumed" });
      } else if (retrying && state.phase !== "pending") {
        await state.move(journal, "resume", "reset", { error: null, finishedAt: null });
      }
    }
  }

  #ready(): StepState[] {
    const ready = [...this.#states.values()].filter(
      (s) =>
        s.phase === "pending" &&
        !this.#launched.has(s.id) &&
        s.step.dependsOn.every((dep) => this.#states.get(dep)?.phase === "succeeded"),
    );
    const rank = (s: StepState) => this.#priority.get(s.id) ?? 0;
    const index = (s: StepState) => this.#order.get(s.id) ?? 0;
    return ready.sort((a, b) => rank(b) - rank(a) || index(a) - index(b));
  }

  #pump(): void {
    if (!this.#cancelRequested && !this.#fatal) {
      for (const state of this.#ready()) {
        if (this.#inFlight >= this.#options.concurrency) break;
        this.#launch(state);
      }
    }
    if (this.#inFlight === 0) this.#done();
  }

  #launch(state: StepState): void {
    this.#launched.add(state.id);
    this.#inFlight++;
    const inFlight = this.#inFlight;
    void runStep(state, {
      ...this.#options,
      signal: this.#abort.signal,
      guard: (signal) => guardSignal(signal, this.#holds, this.#lapsed),
      inFlight,
      dependencyOutputs: this.#dependencyOutputs(state.id),
      noticeRunPhase: (phase) => {
        if (phase === "cancelling" && !this.#cancelRequested) this.requestCancel();
      },
    })
      .then(async (result) => {
        if (result === "succeeded") this.#outputs.set(state.id, state.record.outputs ?? {});
        if (result === "failed") await this.#skipDependents(state);
      })
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.#launched.delete(state.id);
        this.#inFlight--;
        this.#pump();
      });
  }

  #dependencyOutputs(stepId: string): Map<string, JsonObject> {
    const result = new Map<string, JsonObject>();
    for (const id of this.#ancestors.get(stepId) ?? []) {
      const outputs = this.#outputs.get(id);
      if (outputs) result.set(id, outputs);
    }
    return result;
  }

  async #skipDependents(failed: StepState): Promise<void> {
    const queue = [...(this.#dependents.get(failed.id) ?? [])];
    while (queue.length > 0) {
      const state = this.#states.get(queue.shift() ?? "");
      if (!state || state.phase !== "pending" || this.#launched.has(state.id)) continue;
      await state.move(this.#options.journal, "skip", "skipped", {}, { because: failed.id });
      queue.push(...(this.#dependents.get(state.id) ?? []));
    }
  }

  async #finish(): Promise<RunRecord> {
    const { journal, clock } = this.#options;
    const states = [...this.#states.values()];
    let outcome: "drained" | "fail" | "complete";
    if (this.#cancelRequested) {
      for (const state of states.filter((s) => s.phase === "pending")) {
        await state.move(journal, "cancel", "cancelled", { finishedAt: clock.now() });
      }
      outcome = "drained";
    } else if (states.some((s) => s.phase === "failed")) {
      outcome = "fail";
    } else if (states.every((s) => s.phase === "succeeded")) {
      outcome = "complete";
    } else {
      throw new BugError(`run ${this.run.id} stopped with steps neither done nor blocked`);
    }
    const firstFailure = states
      .filter((s) => s.phase === "failed")
      .sort((a, b) => time(a.record.finishedAt) - time(b.record.finishedAt))[0];
    const finishedAt = clock.now();
    const report = await this.#options.report(finishedAt);
    this.run = await journal.run(
      (current) => {
        let from = machineRunPhase(current.phase);
        let event = outcome;
        // A cancel that lands after the last step finished still ends the run cancelled.
        if (from === "cancelling") event = "drained";
        else if (event === "drained") from = transition("run", from, "cancel");
        const ended = transition("run", from, event);
        const error = firstFailure?.record.error ?? null;
        return {
          phase: recordedRunPhase(ended),
          finishedAt,
          report: { ...report, phase: recordedRunPhase(ended) },
          error: ended === "cancelled" ? (error ?? storedError(cancelled())) : error,
        };
      },
      { type: "run.finished", data: { outcome } },
    );
    this.#options.logger.log("info", "execute.run.finished", {
      runId: this.run.id,
      phase: this.run.phase,
    });
    return this.run;
  }
}

function time(date: Date | null): number {
  return date?.getTime() ?? Number.MAX_SAFE_INTEGER;
}

/** Steps on the longest remaining chain start first: they bound the run's wall time. */
function chainLengths(
  steps: readonly ExecutableStep[],
  dependents: Map<string, string[]>,
): Map<string, number> {
  const lengths = new Map<string, number>();
  const visit = (id: string): number => {
    const known = lengths.get(id);
    if (known !== undefined) return known;
    const length = 1 + Math.max(0, ...(dependents.get(id) ?? []).map(visit));
    lengths.set(id, length);
    return length;
  };
  for (const step of steps) visit(step.id);
  return lengths;
}

function cancelled(): LifeboatError {
  return new LifeboatError("LB_CANCELLED", "the run was cancelled");
}

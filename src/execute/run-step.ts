import { isDeepStrictEqual } from "node:util";
import type { Clock } from "../model/clock.js";
import {
  LifeboatError,
  asLifeboatError,
  isLifeboatError,
  isRetryable,
  toErrorJson,
} from "../model/errors.js";
import type { Logger } from "../model/logger.js";
import type { JsonObject } from "../store/codec.js";
import type { RecordedRunPhase } from "../model/plan/recorded-phases.js";
import type { StoredError } from "../store/stored-error.js";
import { withDeadline } from "./deadline.js";
import { backoffDelay, type RetryPolicy } from "./retry-policy.js";
import type { RunJournal } from "./run-journal.js";
import type { JournalNote } from "./step-handler.js";
import type { StepState } from "./step-state.js";

/** What the session hands the work function for one call. */
export interface WorkContext {
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly dependencyOutputs: ReadonlyMap<string, JsonObject>;
  journal(note: JournalNote): Promise<void>;
}

/** What one call achieved; `resolution` is counted in the report (`created`, `deleted`…). */
export interface WorkResult {
  readonly outputs: JsonObject;
  readonly resolution?: string;
}

/** Performs one step once: a handler's `execute`, or its `undo` in a teardown run. */
export type StepWork = (state: StepState, ctx: WorkContext) => Promise<WorkResult>;

export interface StepRunOptions {
  readonly journal: RunJournal;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly retry: RetryPolicy;
  readonly random: () => number;
  readonly work: StepWork;
  readonly signal: AbortSignal;
  /** Makes a signal derived from `signal` check the lease when read, as `signal` does. */
  guard(signal: AbortSignal): AbortSignal;
  /** Steps in flight when this one started, itself included (the report's parallelism). */
  readonly inFlight: number;
  readonly dependencyOutputs: ReadonlyMap<string, JsonObject>;
  /** Called with the run's stored phase after each write: how a remote cancel is seen. */
  noticeRunPhase(phase: RecordedRunPhase): void;
}

/**
 * Runs one step to an outcome: calls the work, retries retryable errors with backoff (the
 * step stays in flight while it waits), and journals every move. `interrupted` means the
 * signal aborted: the step is `pending` again and a later session runs it. Errors thrown out
 * of here are fatal to the session (the journal could not be written).
 */
export async function runStep(
  state: StepState,
  o: StepRunOptions,
): Promise<"succeeded" | "failed" | "interrupted"> {
  const { journal, clock } = o;
  const interrupt = async () => {
    o.noticeRunPhase(
      await state.move(journal, "interrupt", "interrupted", {}, { reason: "aborted" }),
    );
    return "interrupted" as const;
  };
  // A gate's time runs from the first call of this session, across its retries.
  const gate = state.step.gate;
  const deadline = gate && clock.now().getTime() + gate.timeoutSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    if (o.signal.aborted) return attempt === 1 ? "interrupted" : await interrupt();
    const attempts = state.record.attempts + 1;
    const restart = attempt === 1 ? { startedAt: clock.now(), finishedAt: null, error: null } : {};
    o.noticeRunPhase(
      await state.move(
        journal,
        attempt === 1 ? "start" : "backoff-over",
        "started",
        { attempts, ...restart },
        { attempt, attempts, inFlight: o.inFlight },
      ),
    );
    // The start write may have seen a cancel: do not call the handler with it pending.
    if (o.signal.aborted) return await interrupt();
    const began = clock.now().getTime();
    let result: WorkResult;
    try {
      const call = (signal: AbortSignal) =>
        o.work(state, {
          attempt,
          signal,
          dependencyOutputs: o.dependencyOutputs,
          journal: async (note) => {
            const type = `handler.${note.type}`;
            o.noticeRunPhase(await journal.note(state.id, { type, data: note.data ?? {} }));
          },
        });
      result =
        deadline === undefined
          ? await call(o.signal)
          : await withDeadline(
              (signal) => call(o.guard(signal)),
              deadline - began,
              o.signal,
              clock,
              `gate of ${state.id}`,
            );
    } catch (error) {
      if (isLifeboatError(error, "LB_RUN_LOCKED")) throw error;
      if (o.signal.aborted) return await interrupt();
      const failure = asLifeboatError(error);
      if (isRetryable(failure) && attempt < o.retry.maxAttempts) {
        const delayMs = backoffDelay(attempt, o.retry, o.random);
        const stored = storedError(failure);
        await state.move(journal, "retry", "retrying", { error: stored }, { attempt, delayMs });
        try {
          await clock.sleep(delayMs, o.signal);
        } catch {
          return await interrupt();
        }
        continue;
      }
      const stored = storedError(failure);
      await state.move(
        journal,
        "fail",
        "failed",
        { finishedAt: clock.now(), error: stored },
        {
          attempt,
          code: stored.code,
        },
      );
      o.logger.log("warn", "execute.step.failed", { stepId: state.id, code: stored.code });
      return "failed";
    }
    if (!isJsonObject(result.outputs)) {
      const bad = new LifeboatError("LB_INTERNAL", `step ${state.id} returned non-JSON outputs`);
      await state.move(journal, "fail", "failed", {
        finishedAt: clock.now(),
        error: storedError(bad),
      });
      return "failed";
    }
    await state.move(
      journal,
      "succeed",
      "succeeded",
      { finishedAt: clock.now(), outputs: result.outputs, error: null },
      {
        attempt,
        resolution: result.resolution ?? null,
        durationMs: clock.now().getTime() - began,
      },
    );
    return "succeeded";
  }
}

function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  try {
    return isDeepStrictEqual(JSON.parse(JSON.stringify(value)), value);
  } catch {
    return false;
  }
}

/** An error in the stored shape (`error_json`); details that are not JSON are dropped. */
export function storedError(error: unknown): StoredError {
  const json = toErrorJson(error);
  let details: JsonObject = {};
  try {
    details = JSON.parse(JSON.stringify(json.details)) as JsonObject;
  } catch {
    // Details are diagnostics; a failure is still recorded without them.
  }
  return { ...json, details };
}

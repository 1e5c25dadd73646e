import type { Clock } from "../model/clock.js";
import type { Logger } from "../model/logger.js";
import type { JsonObject } from "../store/codec.js";
import type { ExecutableStep } from "./execution-plan.js";

/** What a successful `execute` found: a new resource, or one an earlier attempt already made. */
export type StepResolution = "created" | "adopted";

export interface StepResult {
  /**
   * What dependents consume, persisted with the step. `id` is the target id of the step's
   * resource: a `{ref}` in a dependent's input that the plan binds to this step becomes `id`.
   * Must survive JSON round-trips (no `undefined`, `Date`, `NaN`).
   */
  readonly outputs: JsonObject;
  /** Absent when the step made nothing countable (a wait, a DNS change, a rule added). */
  readonly resolution?: StepResolution;
}

/** A note a handler adds to the run's journal, e.g. the provider request id of a create call. */
export interface JournalNote {
  /** Stable short name; stored as the event type `handler.<type>`. */
  readonly type: string;
  readonly data?: JsonObject;
}

/** Everything a handler call may use. Handlers never read the store or the clock directly. */
export interface StepContext {
  readonly runId: string;
  readonly environment: string;
  /**
   * The step's key scoped to this run (`<run id>/<plan key>`): the same on every attempt and
   * after a resume, different in another run of the same plan. Tag what the step creates with
   * it (and the `lifeboat:run`, `lifeboat:source-id`, `lifeboat:environment` tags), or pass a
   * digest of it as the client token where the API takes one.
   */
  readonly idempotencyKey: string;
  /** The step's input with every `{ref}` replaced by the target id its binding step output. */
  readonly input: unknown;
  /** The outputs of every step this one depends on (directly or not), by step id. */
  readonly dependencyOutputs: ReadonlyMap<string, JsonObject>;
  /** 1 on the first call in this executor session, then 2, 3… on retries. */
  readonly attempt: number;
  /** Aborted when the run is cancelled or the executor loses its lease: stop and throw. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Appends a note to the run's journal (awaited: it is durable once it resolves). */
  journal(note: JournalNote): Promise<void>;
}

/** The context of an `undo` call: like {@link StepContext}, without inputs from dependencies. */
export type UndoContext = Omit<StepContext, "input" | "dependencyOutputs">;

/** `deleted`: undo removed something; `absent`: there was nothing (left) to remove. */
export type UndoResult = "deleted" | "absent";

/**
 * Performs one kind of plan step against a target. The executor looks a handler up by the
 * step's `kind`; a provider adapter typically supplies one handler per kind that dispatches on
 * the step's resource kind.
 *
 * Contract:
 * - **Idempotent under `ctx.idempotencyKey`.** `execute` may run more than once for one step:
 *   after a retryable error, and after a crash (a step journaled `running` when the process
 *   died is executed again on resume). It must be find-or-create: look for what an earlier
 *   attempt made (by the key, Lifeboat's tags, a client token) and adopt it — returning
 *   `resolution: "adopted"` — before creating anything (`"created"`). It never creates twice.
 * - **Errors.** Throw `LifeboatError`s. Retryable ones (`isRetryable`) are retried with backoff
 *   up to the executor's attempt limit; anything else fails the step at once and skips its
 *   dependents. Anything that is not a `LifeboatError` counts as `LB_INTERNAL` (not retried).
 * - **Cancellation.** When `ctx.signal` aborts, stop as soon as it is safe and throw (e.g.
 *   `LB_CANCELLED`); the step goes back to `pending` and a resume runs it again. If the call
 *   completes anyway, its result is recorded.
 * - **Ordering.** `execute` starts only after every step in `dependsOn` succeeded; steps with
 *   no path between them may run at the same time, so handlers must be safe to call in
 *   parallel.
 * - **Undo** (optional) removes what the step made, for `teardown`. It is called, in reverse
 *   dependency order, for every step that was ever started — with the persisted outputs, or
 *   `null` when the step never finished (then find by the key and tags). It must delete only
 *   what carries this run's tags (never an adopted pre-existing resource), treat "already gone"
 *   as success (`"absent"`), and be idempotent: teardown may run it again after a crash.
 */
export interface StepHandler {
  execute(step: ExecutableStep, ctx: StepContext): Promise<StepResult>;
  undo?(step: ExecutableStep, outputs: JsonObject | null, ctx: UndoContext): Promise<UndoResult>;
}

/** Handlers by step kind. */
export type StepHandlers = Readonly<Record<string, StepHandler>>;

import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { performance } from "node:perf_hooks";
import { systemClock, type Clock } from "../model/clock.js";
import { LifeboatError, isLifeboatError } from "../model/errors.js";
import { silentLogger, type Logger } from "../model/logger.js";
import type { JsonObject, JsonValue } from "../store/codec.js";
import type { RunMode } from "../store/phases.js";
import { acquireRunLease, listOrphanedRuns, releaseRunLease } from "../store/run-lease.js";
import { createRun, requireRun, type RunRecord } from "../store/runs-repo.js";
import { appendStepEvent, listStepEvents } from "../store/step-events-repo.js";
import { createSteps, listSteps } from "../store/steps-repo.js";
import type { Store, StoreSession } from "../store/store.js";
import { cancelRun } from "./cancel-run.js";
import { executionPlanSchema, validatePlan, type ExecutionPlan } from "./execution-plan.js";
import { defaultRetryPolicy, type RetryPolicy } from "./retry-policy.js";
import { RunJournal } from "./run-journal.js";
import { buildRunReport, type RunReport } from "./run-report.js";
import { RunSession } from "./run-session.js";
import type { StepHandlers } from "./step-handler.js";
import { executeWork, handlerFor, undoWork } from "./step-work.js";
import { findTeardownRun, teardownTarget } from "./teardown-run.js";
import { teardownSteps } from "./teardown-plan.js";

export interface ExecutorOptions {
  readonly store: Store;
  /** Step handlers by step kind (composition.ts wires the provider's). */
  readonly handlers: StepHandlers;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** This executor's lease owner id; default `<host>:<pid>:<random>`. */
  readonly owner?: string;
  /** Steps in flight at most (default 8). */
  readonly concurrency?: number;
  readonly retry?: RetryPolicy;
  /** Jitter source in [0, 1) (tests pin it). */
  readonly random?: () => number;
  /** How long a lease lasts without renewal (default 30 s). */
  readonly leaseTtlMs?: number;
}

export interface NewExecution {
  readonly environment: string;
  readonly mode: RunMode;
  readonly plan: ExecutionPlan;
  /** Defaults to a random UUID. */
  readonly id?: string;
  readonly parentRunId?: string;
}

/** A run as it stands after the executor let go of it. */
export interface RunOutcome {
  readonly run: RunRecord;
  readonly report: RunReport;
}

/**
 * The durable executor (docs/execution.md). A run and its steps are written to the state store
 * before anything executes; `execute` takes the run's lease (one executor per run), replays the
 * journal, and drives the DAG to an end. Every method is safe to call again after a crash.
 */
export class Executor {
  readonly owner: string;
  readonly #store: Store;
  readonly #handlers: StepHandlers;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #concurrency: number;
  readonly #retry: RetryPolicy;
  readonly #random: () => number;
  readonly #leaseTtlMs: number;
  readonly #sessions = new Map<string, RunSession>();

  constructor(options: ExecutorOptions) {
    this.#store = options.store;
    this.#handlers = options.handlers;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#concurrency = Math.max(1, options.concurrency ?? 8);
    this.#retry = options.retry ?? defaultRetryPolicy;
    this.#random = options.random ?? Math.random;
    this.#leaseTtlMs = options.leaseTtlMs ?? 30_000;
  }

  /**
   * Persists a run (`pending`) and its steps, all or nothing, without executing anything.
   * A plan that is not a DAG, or refers to what no dependency binds → `LB_INVALID_INPUT`; a step
   * kind without a handler → `LB_PROVIDER_UNSUPPORTED`.
   */
  async createRun(input: NewExecution): Promise<RunRecord> {
    const order = validatePlan(input.plan);
    for (const step of order) handlerFor(this.#handlers, step.kind);
    const id = input.id ?? randomUUID();
    const plan = JSON.parse(JSON.stringify(input.plan)) as JsonValue;
    return await this.#store.transaction(async (tx) => {
      const run = await createRun(tx, { ...input, id, plan });
      await createSteps(
        tx,
        id,
        order.map((step) => ({
          stepId: step.id,
          kind: step.kind,
          dependsOn: step.dependsOn,
          idempotencyKey: `${id}/${step.idempotencyKey}`,
        })),
      );
      await journalRunEvent(tx, id, "run.created", { mode: input.mode, steps: order.length });
      return run;
    });
  }

  /** Creates the run and executes it. */
  async recover(input: NewExecution): Promise<RunOutcome> {
    return await this.execute((await this.createRun(input)).id);
  }

  /**
   * Executes or resumes a run until it ends: a pending run starts; a running one (its executor
   * died) carries on, running again the steps that were in flight; a failed or cancelled one
   * retries its failed, skipped and cancelled steps; a cancelling one finishes cancelling; a
   * succeeded one is left as it is. Succeeded steps never run again; their outputs are reused.
   * Another executor holding the lease → `LB_RUN_LOCKED` (also when the lease is lost midway;
   * the run then stays resumable).
   */
  async execute(runId: string): Promise<RunOutcome> {
    const leasedAt = performance.now();
    const run = await acquireRunLease(this.#store, runId, this.owner, this.#leaseTtlMs);
    if (!run) throw await this.#locked(runId);
    try {
      if (run.phase !== "succeeded") await this.#drive(run, leasedAt);
    } finally {
      await releaseRunLease(this.#store, runId, this.owner).catch(() => undefined);
    }
    return await this.outcome(runId);
  }

  async #drive(run: RunRecord, leasedAt: number): Promise<void> {
    const runId = run.id;
    let keepAlive: NodeJS.Timeout | undefined;
    try {
      if (run.mode !== "teardown" && ["failed", "cancelled"].includes(run.phase)) {
        if (await findTeardownRun(this.#store, run)) {
          throw new LifeboatError("LB_RUN_ACTIVE", `run ${runId} has been torn down`, {
            details: { runId },
            remedy: "Start a new recovery run instead.",
          });
        }
      }
      const plan = executionPlanSchema.parse(run.plan) as ExecutionPlan;
      const journal = new RunJournal(this.#store, runId, this.owner, this.#leaseTtlMs, leasedAt);
      const session = new RunSession(run, validatePlan(plan), await listSteps(this.#store, runId), {
        journal,
        clock: this.#clock,
        logger: this.#logger,
        concurrency: this.#concurrency,
        retry: this.#retry,
        random: this.#random,
        work: await this.#work(run, plan),
        report: async (finishedAt) => toJsonObject(await this.report(runId, finishedAt)),
      });
      this.#sessions.set(runId, session);
      keepAlive = setInterval(() => {
        journal.renew().then(
          (current) => current.phase === "cancelling" && session.requestCancel(),
          (error: unknown) => session.fail(error),
        );
      }, this.#leaseTtlMs / 3);
      await session.drive();
    } finally {
      clearInterval(keepAlive);
      this.#sessions.delete(runId);
    }
  }

  /** Same as {@link execute}: resuming is executing from the journal. */
  async resume(runId: string): Promise<RunOutcome> {
    return await this.execute(runId);
  }

  /**
   * Resumes every orphaned run — `running` or `cancelling` with no live lease, because its
   * executor died — one after another (what `lifeboat serve` and the scheduler do at start).
   * Runs another executor takes first are left to it.
   */
  async resumeOrphans(): Promise<RunOutcome[]> {
    const outcomes: RunOutcome[] = [];
    for (const run of await listOrphanedRuns(this.#store)) {
      if (run.mode === "workflow") continue; // the workflow runner's (src/workflows)
      try {
        outcomes.push(await this.execute(run.id));
      } catch (error) {
        if (!isLifeboatError(error, "LB_RUN_LOCKED")) throw error;
      }
    }
    return outcomes;
  }

  /**
   * Stops a run: no new step starts, running handlers see their signal abort, and the run
   * ends `cancelled` once they return (steps that were not done are `cancelled`). Idempotent:
   * cancelling an ended run changes nothing. Works across processes: the executor holding the
   * run sees the request at its next write or lease renewal; an orphaned run is drained here.
   */
  async cancel(runId: string): Promise<RunRecord> {
    const run = await cancelRun(this.#store, runId, this.#clock);
    const local = this.#sessions.get(runId);
    if (local) {
      local.requestCancel();
      return run;
    }
    if (run.phase !== "cancelling") return run;
    try {
      return (await this.execute(runId)).run;
    } catch (error) {
      if (isLifeboatError(error, "LB_RUN_LOCKED")) return await requireRun(this.#store, runId);
      throw error;
    }
  }

  /**
   * Undoes what a finished run made, in reverse dependency order, as a child run of mode
   * `teardown` with its own steps and journal. Idempotent: once a teardown succeeded, calling
   * again returns it and does nothing; an interrupted or failed one is resumed. A run still in
   * progress → `LB_RUN_ACTIVE`.
   */
  async teardown(runId: string): Promise<RunOutcome> {
    const parent = await teardownTarget(this.#store, runId);
    const existing = await findTeardownRun(this.#store, parent);
    if (existing?.phase === "succeeded") return await this.outcome(existing.id);
    const child = existing ?? (await this.#createTeardownRun(parent));
    await journalRunEvent(this.#store, parent.id, "run.teardown-started", { teardown: child.id });
    const outcome = await this.execute(child.id);
    await journalRunEvent(this.#store, parent.id, "run.teardown-finished", {
      teardown: child.id,
      phase: outcome.run.phase,
    });
    return outcome;
  }

  /** The run's report, from the store (also for runs still in progress). */
  async report(runId: string, finishedAt?: Date): Promise<RunReport> {
    const run = await requireRun(this.#store, runId);
    const steps = await listSteps(this.#store, runId);
    const events = await listStepEvents(this.#store, runId);
    return buildRunReport(run, steps, events, finishedAt ?? run.finishedAt);
  }

  async outcome(runId: string): Promise<RunOutcome> {
    return { run: await requireRun(this.#store, runId), report: await this.report(runId) };
  }

  async #createTeardownRun(parent: RunRecord): Promise<RunRecord> {
    const plan = executionPlanSchema.parse(parent.plan) as ExecutionPlan;
    const records = await listSteps(this.#store, parent.id);
    const steps = teardownSteps(plan.steps, records, (kind) => {
      return Object.hasOwn(this.#handlers, kind) && !!this.#handlers[kind]?.undo;
    });
    return await this.createRun({
      environment: parent.environment,
      mode: "teardown",
      parentRunId: parent.id,
      plan: { steps, teardownOf: parent.id } as ExecutionPlan,
    });
  }

  async #work(run: RunRecord, plan: ExecutionPlan) {
    const deps = { run, handlers: this.#handlers, clock: this.#clock, logger: this.#logger };
    if (run.mode !== "teardown") return executeWork({ ...deps, plan });
    if (!run.parentRunId) throw new LifeboatError("LB_STORE_CORRUPT", `teardown ${run.id}`);
    const parent = await requireRun(this.#store, run.parentRunId);
    const parentPlan = executionPlanSchema.parse(parent.plan) as ExecutionPlan;
    const parentRecords = await listSteps(this.#store, parent.id);
    return undoWork({
      ...deps,
      parent,
      parentSteps: new Map(parentPlan.steps.map((s) => [s.id, s])),
      parentRecords: new Map(parentRecords.map((r) => [r.stepId, r])),
    });
  }

  async #locked(runId: string): Promise<LifeboatError> {
    const run = await requireRun(this.#store, runId);
    return new LifeboatError("LB_RUN_LOCKED", `run ${runId} is being executed by another process`, {
      details: {
        runId,
        leaseOwner: run.leaseOwner,
        leaseExpiresAt: run.leaseExpiresAt?.toISOString() ?? null,
      },
    });
  }
}

async function journalRunEvent(
  s: StoreSession,
  runId: string,
  type: string,
  data: JsonObject,
): Promise<void> {
  await appendStepEvent(s, { runId, type, data });
}

function toJsonObject(value: unknown): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

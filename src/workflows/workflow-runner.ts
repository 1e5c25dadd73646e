import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { systemClock, type Clock } from "../model/clock.js";
import { LifeboatError, asLifeboatError } from "../model/errors.js";
import { silentLogger, type Logger } from "../model/logger.js";
import { RunJournal } from "../execute/run-journal.js";
import type { PluginRegistry } from "../plugins/plugin-registry.js";
import type { AnyPlugin } from "../plugins/plugin-api.js";
import type { JsonValue } from "../store/codec.js";
import { acquireRunLease, listOrphanedRuns, releaseRunLease } from "../store/run-lease.js";
import { createRun, type RunRecord } from "../store/runs-repo.js";
import { appendStepEvent } from "../store/step-events-repo.js";
import { createSteps, listSteps } from "../store/steps-repo.js";
import type { Store } from "../store/store.js";
import { StepBook, storedError, type WorkflowEvent } from "./step-book.js";
import { driveWorkflow } from "./workflow-drive.js";
import { workflowPlanSchema, type WorkflowPlan } from "./workflow-plan.js";
import { workflowReport, type WorkflowReport } from "./workflow-report.js";

export interface WorkflowRunnerOptions {
  readonly store: Store;
  readonly registry: PluginRegistry;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Lease owner id; default `<host>:<pid>:<random>` (what `releaseDeadLease` understands). */
  readonly owner?: string;
  readonly leaseTtlMs?: number;
  /** Environment variables plug-ins may read (a target's `urlEnv`); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly onEvent?: (event: WorkflowEvent) => void;
}

/**
 * Runs workflows durably (docs/workflow-semantics.md): a run of mode `workflow` in the state
 * store, one step row per workflow step, every move journaled in `step_events`. One executor
 * holds a run at a time (its lease); a crashed run is found by `resume` or by the next run of
 * the same workflow, which undo its open pairs first.
 */
export class WorkflowRunner {
  readonly owner: string;
  readonly #o: WorkflowRunnerOptions;
  readonly #clock: Clock;
  readonly #ttl: number;

  constructor(options: WorkflowRunnerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#ttl = options.leaseTtlMs ?? 30_000;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /**
   * Persists a `pending` run of `plan` and its steps, all or nothing. `parentRunId`: the
   * recovery run a workflow attached to one of its points runs for.
   */
  async createRun(
    plan: WorkflowPlan,
    environment: string,
    id: string = randomUUID(),
    parentRunId?: string,
  ): Promise<RunRecord> {
    this.#plugins(plan);
    return await this.#o.store.transaction(async (tx) => {
      const run = await createRun(tx, {
        id,
        environment,
        mode: "workflow",
        plan: JSON.parse(JSON.stringify(plan)) as JsonValue,
        ...(parentRunId === undefined ? {} : { parentRunId }),
      });
      await createSteps(
        tx,
        id,
        plan.steps.map((step, i) => ({
          stepId: step.id,
          kind: step.action,
          idempotencyKey: `${id}/${step.id}`,
          dependsOn: i === 0 ? [] : [plan.steps[i - 1]?.id ?? ""],
        })),
      );
      await appendStepEvent(tx, {
        runId: id,
        type: "run.created",
        data: { mode: "workflow", workflow: plan.workflow, steps: plan.steps.length },
      });
      return run;
    });
  }

  /** Closes orphaned runs of the same workflow first, then creates and executes a new run. */
  async run(
    plan: WorkflowPlan,
    environment: string,
    signal?: AbortSignal,
  ): Promise<WorkflowReport> {
    await this.closeOrphans(plan.workflow);
    const run = await this.createRun(plan, environment);
    return await this.execute(run.id, signal);
  }

  /**
   * Executes or resumes run `runId` to an end (a succeeded run is left alone). Another live
   * executor holding it → `LB_RUN_LOCKED`.
   */
  async execute(runId: string, signal?: AbortSignal, closeOnly = false): Promise<WorkflowReport> {
    const run = await acquireRunLease(this.#o.store, runId, this.owner, this.#ttl);
    if (!run) {
      throw new LifeboatError(
        "LB_RUN_LOCKED",
        `run ${runId} is being executed by another process`,
        {
          details: { runId },
        },
      );
    }
    try {
      if (run.mode !== "workflow") {
        throw new LifeboatError("LB_INVALID_INPUT", `run ${runId} is not a workflow run`, {
          details: { runId, mode: run.mode },
        });
      }
      if (run.phase !== "succeeded") await this.#drive(run, signal, closeOnly);
    } finally {
      await releaseRunLease(this.#o.store, runId, this.owner).catch(() => undefined);
    }
    return await this.report(runId);
  }

  /**
   * Finds runs of `workflow` whose executor died (running or cancelling, lease expired) and
   * closes them: their open pairs are undone, then they end `failed` (`LB_WORKFLOW_INTERRUPTED`).
   * Returns their ids.
   */
  async closeOrphans(workflow: string): Promise<string[]> {
    const closed: string[] = [];
    for (const run of await listOrphanedRuns(this.#o.store)) {
      const plan = run.mode === "workflow" ? workflowPlanSchema.safeParse(run.plan) : undefined;
      if (!plan?.success || plan.data.workflow !== workflow) continue;
      await this.execute(run.id, undefined, true);
      closed.push(run.id);
    }
    return closed;
  }

  async report(runId: string): Promise<WorkflowReport> {
    return await workflowReport(this.#o.store, runId);
  }

  async #drive(run: RunRecord, signal: AbortSignal | undefined, closeOnly: boolean): Promise<void> {
    const plan = workflowPlanSchema.parse(run.plan) as unknown as WorkflowPlan;
    const journal = new RunJournal(this.#o.store, run.id, this.owner, this.#ttl);
    const records = new Map((await listSteps(this.#o.store, run.id)).map((r) => [r.stepId, r]));
    const onEvent = this.#o.onEvent ?? (() => undefined);
    const book = new StepBook(journal, records, this.#clock, run.phase, onEvent);
    const forward = new AbortController();
    const undo = new AbortController();
    const onAbort = () => forward.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const keepAlive = setInterval(() => {
      journal.renew().then(
        (current) => current.phase === "cancelling" && forward.abort(),
        () => (undo.abort(), forward.abort()),
      );
    }, this.#ttl / 3);
    try {
      await journal.run(
        (current) => ({
          phase: current.phase === "cancelling" ? "cancelling" : "running",
          startedAt: current.startedAt ?? this.#clock.now(),
          finishedAt: null,
          error: null,
        }),
        {
          type: "workflow.started",
          data: { workflow: plan.workflow, resumedFrom: run.phase, closeOnly },
        },
      );
      book.emitRun("workflow.started", { workflow: plan.workflow, resumedFrom: run.phase });
      const env = this.#o.env ?? process.env;
      const result = await driveWorkflow({
        plan,
        book,
        plugins: this.#plugins(plan),
        call: {
          runId: run.id,
          environment: run.environment,
          clock: this.#clock,
          logger: this.#o.logger ?? silentLogger,
          env: (name) => env[name],
          journal: (stepId, type, data) => book.note(stepId, type, (data ?? {}) as never),
          onProgress: (stepId, line) =>
            onEvent({ runId: run.id, stepId, type: "step.progress", data: { line } }),
        },
        signal: forward.signal,
        undoSignal: undo.signal,
        priorPhase: run.phase,
        closeOnly,
      });
      const error = result.error ? storedError(result.error) : null;
      await journal.run(() => ({ phase: result.phase, finishedAt: this.#clock.now(), error }), {
        type: "workflow.finished",
        data: { phase: result.phase, code: error?.code ?? null },
      });
      book.emitRun("workflow.finished", { phase: result.phase, code: error?.code ?? null });
    } catch (thrown) {
      throw asLifeboatError(thrown);
    } finally {
      clearInterval(keepAlive);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The plug-ins a plan names, each of which must be registered. */
  #plugins(plan: WorkflowPlan): Map<string, AnyPlugin> {
    const plugins = new Map<string, AnyPlugin>();
    for (const step of plan.steps) {
      const plugin = this.#o.registry.get(step.plugin);
      if (!plugin) {
        throw new LifeboatError(
          "LB_WORKFLOW_INVALID",
          `step ${step.id} needs plug-in ${step.plugin}, which is not registered`,
          { details: { step: step.id, plugin: step.plugin } },
        );
      }
      plugins.set(plugin.name, plugin);
    }
    return plugins;
  }
}

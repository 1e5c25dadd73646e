import { cycleWorkflowName } from "../model/cycle-workflow.js";
import { LifeboatError, asLifeboatError, errorCatalogue, type ErrorCode } from "../model/errors.js";
import type { WorkflowConfig } from "../model/workflow.js";
import { protectCyclePlugin } from "../plugins/builtin/protect-cycle.js";
import { PluginRegistry } from "../plugins/plugin-registry.js";
import type { ConsistencyGroup, QuiesceHooks } from "../protect/quiesce-hooks.js";
import { releaseDeadLease } from "../recover/release-dead-lease.js";
import { listRuns } from "../store/runs-repo.js";
import type { StoredError } from "../store/stored-error.js";
import { planWorkflow, workflowPlanSchema, type WorkflowPlan } from "./workflow-plan.js";
import type { WorkflowReport } from "./workflow-report.js";
import { WorkflowRunner, type WorkflowRunnerOptions } from "./workflow-runner.js";

export interface CycleHooksOptions extends WorkflowRunnerOptions {
  readonly environment: string;
  /** The group the hooks surround (its name keys the workflow runs). */
  readonly group: string;
  /** The cycle's workflow: `before` steps, the `protect-cycle` step, `after` steps. */
  readonly workflow: WorkflowConfig;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

interface Window {
  readonly entered: Deferred<void>;
  readonly released: Deferred<LifeboatError | null>;
}

interface Open {
  readonly runId: string;
  readonly window: Window;
  readonly finished: Promise<WorkflowReport>;
}

/** The run's error as a `LifeboatError` with its stored code (one this build knows). */
const errorOf = (report: WorkflowReport, fallback: string): LifeboatError => {
  const stored: StoredError | null = report.error;
  const code: ErrorCode =
    stored && Object.hasOwn(errorCatalogue, stored.code)
      ? (stored.code as ErrorCode)
      : "LB_ACTION_FAILED";
  return new LifeboatError(code, stored?.message ?? fallback, {
    details: { runId: report.runId, ...(stored?.details ?? {}) },
  });
};

/**
 * Backup workflows as a group's quiesce hooks (docs/workflow-semantics.md, "Backup
 * workflows"). Each cycle is one durable workflow run: `quiesce` starts it and returns once it
 * reaches its `protect-cycle` step (the `before` steps have run); `unquiesce` lets that step
 * end — failed with the capture's error when the capture failed — and waits for the run. So a
 * pair opened before the capture and closed after it has the runner's guarantee: its undo half
 * runs in its place, or at once in reverse order when a step or the capture fails; and when the
 * process died mid-cycle, the next cycle's `quiesce` first closes the orphaned run, undoing its
 * open pairs (`lifeboat resume` of that run does the same).
 */
export class CycleHooks implements QuiesceHooks {
  readonly #runner: WorkflowRunner;
  readonly #plan: WorkflowPlan;
  readonly #o: CycleHooksOptions;
  readonly #windows = new Map<string, Window>();
  readonly #open = new Map<string, Open>();

  /** Plans the workflow at once: an invalid one is `LB_WORKFLOW_INVALID` before any cycle. */
  constructor(options: CycleHooksOptions) {
    this.#o = options;
    const registry = new PluginRegistry();
    const cycle = protectCyclePlugin({ hold: (runId, signal) => this.#hold(runId, signal) });
    for (const plugin of options.registry.list()) {
      if (plugin.name !== cycle.name) registry.register(plugin);
    }
    registry.register(cycle);
    this.#plan = planWorkflow(
      cycleWorkflowName(options.environment, options.group),
      options.workflow,
      registry,
    );
    this.#runner = new WorkflowRunner({ ...options, registry });
  }

  async quiesce(group: ConsistencyGroup, signal?: AbortSignal): Promise<void> {
    await this.#closeCrashed();
    const run = await this.#runner.createRun(this.#plan, this.#o.environment);
    const window: Window = { entered: deferred(), released: deferred() };
    this.#windows.set(run.id, window);
    const finished = this.#runner
      .execute(run.id, signal)
      .finally(() => this.#windows.delete(run.id));
    this.#open.set(group.id, { runId: run.id, window, finished });
    const early = await Promise.race([window.entered.promise.then(() => null), finished]);
    if (early !== null) throw errorOf(early, `backup workflow ${this.#plan.workflow} failed`);
  }

  async unquiesce(group: ConsistencyGroup, failure?: unknown): Promise<void> {
    const open = this.#open.get(group.id);
    if (!open) return;
    this.#open.delete(group.id);
    open.window.released.resolve(failure === undefined ? null : asLifeboatError(failure));
    const report = await open.finished;
    if (report.phase !== "succeeded" && failure === undefined) {
      throw errorOf(report, `backup workflow ${this.#plan.workflow} failed after the capture`);
    }
  }

  async #hold(runId: string, signal: AbortSignal): Promise<void> {
    const window = this.#windows.get(runId);
    if (!window) {
      throw new LifeboatError("LB_WORKFLOW_INTERRUPTED", "this cycle's capture is not running", {
        details: { runId },
      });
    }
    window.entered.resolve();
    const aborted = new Promise<LifeboatError>((resolve) => {
      const cancel = () => resolve(new LifeboatError("LB_CANCELLED", "protection cycle cancelled"));
      if (signal.aborted) cancel();
      else signal.addEventListener("abort", cancel, { once: true });
    });
    const error = await Promise.race([window.released.promise, aborted]);
    if (error) throw error;
  }

  /** Undoes the open pairs of this group's cycles whose process died (closed `failed`). */
  async #closeCrashed(): Promise<void> {
    const runs = await listRuns(this.#o.store, {
      environment: this.#o.environment,
      phases: ["running", "cancelling"],
    });
    for (const run of runs) {
      if (run.mode !== "workflow") continue;
      const plan = workflowPlanSchema.safeParse(run.plan);
      if (plan.success && plan.data.workflow === this.#plan.workflow) {
        await releaseDeadLease(this.#o.store, run.id);
      }
    }
    await this.#runner.closeOrphans(this.#plan.workflow);
  }
}

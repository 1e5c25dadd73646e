import type { Executor } from "../execute/executor.js";
import { findTeardownRun } from "../execute/teardown-run.js";
import { planSchema, type Plan, type RecoveryMode } from "../model/plan/index.js";
import { requireRun, type RunRecord } from "../store/runs-repo.js";
import { appendStepEvent, listStepEvents } from "../store/step-events-repo.js";
import type { Store } from "../store/store.js";
import { planEnvironment, type EnvironmentPlanRequest } from "./plan-environment.js";
import type { RecoveryDeps } from "./recovery-deps.js";
import { releaseDeadLease } from "./release-dead-lease.js";
import { buildRecoveryReport, recoveryEvents, type RecoveryReport } from "./recovery-report.js";
import { verifyRecovery } from "./verify-recovery.js";

export interface RecoverRequest extends Omit<EnvironmentPlanRequest, "mode"> {
  readonly mode: Extract<RecoveryMode, "failover" | "drill">;
  /** Drills: keep what was built instead of tearing it down after verification. */
  readonly keep?: boolean;
  /**
   * The run's id (default a random UUID). A watcher's failover passes its incident's, so a
   * second start of the incident fails with `LB_STORE_CONFLICT` instead of running twice.
   */
  readonly runId?: string;
}

export interface RecoverHooks {
  /**
   * Called with the plan after pre-flight passed and before anything is recorded or created:
   * the place to ask for confirmation. Throwing stops the recovery with nothing done.
   */
  readonly beforeRun?: (plan: Plan) => Promise<void>;
  /** Called once the run is in the store, before anything executes (print its id first). */
  readonly onRun?: (run: RunRecord, plan: Plan) => void;
}

/** Read access to runs: what `runs`, `run`, `cancel` and `teardown` need. */
export interface RunAccess {
  readonly store: Store;
  readonly executor: Executor;
}

/**
 * A recovery from start to end: plan (pre-flight first; a problem → `LB_PLAN_PREFLIGHT_FAILED`,
 * nothing created), persist the run, execute it, verify the target when it succeeded, and — for
 * a drill without `keep` — tear down what it made, whatever the outcome. Every stage is
 * journaled, so {@link continueRecovery} picks up after a crash at any point.
 */
export async function recoverEnvironment(
  deps: RecoveryDeps,
  request: RecoverRequest,
  hooks: RecoverHooks = {},
): Promise<RecoveryReport> {
  const planned = await planEnvironment(deps, request);
  await hooks.beforeRun?.(planned.plan);
  const run = await deps.executor.createRun({
    environment: deps.environment,
    mode: request.mode,
    plan: planned.plan,
    ...(request.runId === undefined ? {} : { id: request.runId }),
  });
  await appendStepEvent(deps.store, {
    runId: run.id,
    type: recoveryEvents.point,
    data: {
      version: planned.version.version,
      capturedAt: planned.version.capturedAt.toISOString(),
      lastSeenAt: planned.version.lastSeenAt.toISOString(),
      teardownAfter: request.mode === "drill" && request.keep !== true,
    },
  });
  if (planned.targetSelection !== undefined) {
    await appendStepEvent(deps.store, {
      runId: run.id,
      type: recoveryEvents.target,
      data: JSON.parse(JSON.stringify(planned.targetSelection)) as never,
    });
  }
  hooks.onRun?.(run, planned.plan);
  return await continueRecovery(deps, run.id);
}

/**
 * Resumes a recovery run where it stands (`lifeboat resume <id>`): executes what is left,
 * verifies if not yet verified, and tears a drill down if it asked for that. Idempotent: on a
 * finished, verified, torn-down run it only reports.
 */
export async function continueRecovery(deps: RecoveryDeps, runId: string): Promise<RecoveryReport> {
  const current = await requireRun(deps.store, runId);
  if (current.mode !== "teardown" && (await tornDown(deps, current))) {
    return await recoveryReport(deps, runId);
  }
  await releaseDeadLease(deps.store, runId);
  const { run } = await deps.executor.execute(runId);
  let report = await recoveryReport(deps, runId);
  if (run.phase === "succeeded" && report.verification === null) {
    const plan = planSchema.parse(run.plan);
    const verification = await verifyRecovery(deps.targetProvider(), runId, plan, deps.clock.now());
    await appendStepEvent(deps.store, {
      runId,
      type: recoveryEvents.verified,
      data: { verification: JSON.parse(JSON.stringify(verification)) as never },
    });
  }
  report = await recoveryReport(deps, runId);
  if (report.teardownAfter && ["succeeded", "failed", "cancelled"].includes(run.phase)) {
    await deps.executor.teardown(runId);
  }
  return await recoveryReport(deps, runId);
}

async function tornDown(access: RunAccess, run: RunRecord): Promise<boolean> {
  return (await findTeardownRun(access.store, run)) !== undefined;
}

/** The report of any run, from the store (`lifeboat run <id>`), in progress or ended. */
export async function recoveryReport(access: RunAccess, runId: string): Promise<RecoveryReport> {
  const run = await requireRun(access.store, runId);
  const report = await access.executor.report(runId);
  const events = await listStepEvents(access.store, runId);
  const child = run.mode === "teardown" ? undefined : await findTeardownRun(access.store, run);
  const teardown = child
    ? { run: child, report: await access.executor.report(child.id) }
    : undefined;
  return buildRecoveryReport(run, report, events, teardown);
}

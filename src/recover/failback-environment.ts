import { loadVersion } from "../capture/stored-versions.js";
import { findTeardownRun } from "../execute/teardown-run.js";
import { LifeboatError } from "../model/errors.js";
import { parseLogicalId } from "../model/inventory/index.js";
import {
  createEnvironment,
  getEnvironment,
  updateEnvironment,
} from "../store/environments-repo.js";
import { appendEvent } from "../store/events-repo.js";
import type { EnvironmentStatus } from "../store/phases.js";
import { listRuns, requireRun, type RunRecord } from "../store/runs-repo.js";
import { appendStepEvent, listStepEvents } from "../store/step-events-repo.js";
import type { StoreSession } from "../store/store.js";
import { listSteps } from "../store/steps-repo.js";
import type { JsonObject } from "../store/codec.js";
import {
  planFailback,
  type ConnectionRef,
  type FailbackPlan,
  type HydratedVolume,
} from "./failback-plan.js";
import { recoveryReport, type RecoverHooks } from "./recover-environment.js";
import type { RecoveryDeps } from "./recovery-deps.js";
import { recoveryEvents, type RecoveryReport } from "./recovery-report.js";
import { releaseDeadLease } from "./release-dead-lease.js";

/** Journal entries of a failback run beyond the executor's own. */
export const failbackEvents = {
  /** The failover run's copy was torn down: `teardown` run id and phase. */
  copyRemoved: "failback.copy-removed",
  /** The primary is primary again: status `active`, protection of its volumes re-enabled. */
  protection: "failback.protection-enabled",
} as const;

/** A failback's dependencies: the recovery engine's, wired to the copy's connection. */
export interface FailbackDeps extends RecoveryDeps {
  /** The primary: the environment's `source` connection of the config. */
  readonly source: ConnectionRef;
  /** Primary volume ids the agent binds with `mode: cbt` → `snapshots` (create | tagged). */
  readonly cbtVolumes?: Readonly<Record<string, "create" | "tagged">>;
}

/** `lifeboat failback` / `resume` output: the run's report and what followed it. */
export interface FailbackReport {
  readonly report: RecoveryReport;
  readonly failoverRunId: string;
  /** The failover run's teardown (the copy removed), once started. */
  readonly copyTeardown: { readonly runId: string; readonly phase: string } | null;
  readonly environmentStatus: EnvironmentStatus;
  /** One entry per volume the failover hydrated: what its `sync-back` step did. */
  readonly dataSync: readonly DataSyncEntry[];
  /** True once the environment is `active` again, which re-enables protection of the primary. */
  readonly protectionEnabled: boolean;
  /** The copy's capture (`capture:copy` outputs: version, label, counts), once stored. */
  readonly copyCapture: JsonObject | null;
}

/** A `sync-back` step's outcome, for the report (docs/cli-json.md). */
export interface DataSyncEntry {
  readonly stepId: string;
  readonly phase: string;
  /**
   * Where the copy's final delta came from: `cbt` (the step read the copy's volume through
   * changed-block tracking), `workflow` (a `before-sync-back` workflow ran first) or `none`
   * (the newest point the copy's agent recorded on its own).
   */
  readonly finalDelta: string;
  /** The step's outputs once it succeeded: `synced`, the point, the new and previous volumes. */
  readonly outputs: JsonObject | null;
}

/**
 * The failover run a failback undoes: the newest succeeded `failover` run of the environment
 * whose copy has not been torn down. None → `LB_FAILBACK_NOTHING` (exit 3).
 */
export async function failoverToUndo(s: StoreSession, environment: string): Promise<RunRecord> {
  const runs = await listRuns(s, { environment });
  for (const run of runs) {
    if (run.mode !== "failover" || run.phase !== "succeeded") continue;
    if (!(await findTeardownRun(s, run))) return run;
  }
  throw new LifeboatError(
    "LB_FAILBACK_NOTHING",
    `${environment} has no succeeded failover whose copy is still up`,
    { details: { environment } },
  );
}

/** The connection and region the failover run rebuilt into (its plan's `target`). */
export function failoverTarget(run: RunRecord): ConnectionRef {
  const target = (run.plan as { target?: Partial<ConnectionRef> } | null)?.target;
  if (typeof target?.connection !== "string" || typeof target.region !== "string") {
    throw new LifeboatError("LB_STORE_CORRUPT", `run ${run.id} has no plan with a target`, {
      details: { runId: run.id },
    });
  }
  return { connection: target.connection, region: target.region };
}

/**
 * A failback from start to end (docs/recovery.md, "Failback"): find the failover to undo,
 * plan from the inventory version it rebuilt, persist the run (`mode: failback`, parent = the
 * failover run), mark the environment `failing-back`, then {@link continueFailback}.
 */
export async function failbackEnvironment(
  deps: FailbackDeps,
  hooks: RecoverHooks = {},
): Promise<FailbackReport> {
  const failover = await failoverToUndo(deps.store, deps.environment);
  const events = await listStepEvents(deps.store, failover.id);
  const point = events.find((e) => e.type === recoveryEvents.point)?.data.version;
  const archive = await deps.archive();
  const { version, inventory } = await loadVersion(
    { archive, index: deps.index },
    deps.environment,
    typeof point === "number" ? { version: point } : { latest: true },
  );
  const plan = planFailback({
    environment: deps.environment,
    failoverRunId: failover.id,
    inventoryVersion: version.version,
    inventory,
    source: deps.source,
    target: failoverTarget(failover),
    hydrated: await hydratedVolumes(deps.store, failover.id),
    failoverStartedAt: (failover.startedAt ?? failover.createdAt).toISOString(),
    ...(deps.workflows === undefined ? {} : { workflows: deps.workflows }),
    ...(deps.cbtVolumes === undefined ? {} : { cbtVolumes: deps.cbtVolumes }),
    copyMachines: await copyMachines(deps.store, failover.id),
  });
  const run = await deps.executor.createRun({
    environment: deps.environment,
    mode: "failback",
    parentRunId: failover.id,
    plan,
  });
  await setStatus(deps.store, deps.environment, "failing-back");
  hooks.onRun?.(run, plan as never);
  return await continueFailback(deps, run.id);
}

/**
 * Carries a failback run on (`lifeboat resume <id>`): executes what is left; once every step
 * succeeded, tears the failover run's copy down (idempotent: an ended teardown is returned as
 * it is) and marks the environment `active`. Each stage is recorded, so a crash anywhere is
 * completed by the next resume.
 */
export async function continueFailback(deps: RecoveryDeps, runId: string): Promise<FailbackReport> {
  await releaseDeadLease(deps.store, runId);
  const { run } = await deps.executor.execute(runId);
  const plan = run.plan as unknown as FailbackPlan;
  let copyTeardown: FailbackReport["copyTeardown"] = null;
  if (run.phase === "succeeded") {
    const parent = await requireRun(deps.store, plan.failoverRunId);
    await releaseDeadLease(deps.store, parent.id);
    const existing = await findTeardownRun(deps.store, parent);
    if (existing) await releaseDeadLease(deps.store, existing.id);
    const teardown = await deps.executor.teardown(parent.id);
    copyTeardown = { runId: teardown.run.id, phase: teardown.run.phase };
    await appendStepEvent(deps.store, {
      runId,
      type: failbackEvents.copyRemoved,
      data: copyTeardown,
    });
    if (teardown.run.phase === "succeeded") {
      await setStatus(deps.store, deps.environment, "active");
      await appendStepEvent(deps.store, {
        runId,
        type: failbackEvents.protection,
        data: {
          status: "active",
          volumes: plan.steps.filter((s) => s.kind === "sync-back").map((s) => s.resource ?? ""),
        },
      });
      await appendEvent(deps.store, {
        environment: deps.environment,
        runId,
        type: "failback.completed",
        severity: "info",
        data: { failoverRunId: parent.id, teardownRunId: teardown.run.id },
      });
    }
  }
  const row = await getEnvironment(deps.store, deps.environment);
  const steps = await listSteps(deps.store, runId);
  const events = await listStepEvents(deps.store, runId);
  return {
    report: await recoveryReport(deps, runId),
    failoverRunId: plan.failoverRunId,
    copyTeardown,
    environmentStatus: row?.status ?? "active",
    dataSync: steps
      .filter((s) => s.kind === "sync-back")
      .map((s) => ({
        stepId: s.stepId,
        phase: s.phase,
        finalDelta: finalDeltaOf(plan, s.stepId),
        outputs: s.outputs,
      })),
    protectionEnabled: events.some((e) => e.type === failbackEvents.protection),
    copyCapture: steps.find((s) => s.kind === "capture-copy")?.outputs ?? null,
  };
}

/** The failover's succeeded `hydrate` steps: which volume, from which point, made which copy. */
async function hydratedVolumes(s: StoreSession, failoverRunId: string): Promise<HydratedVolume[]> {
  const steps = await listSteps(s, failoverRunId);
  const run = await requireRun(s, failoverRunId);
  const plan = (run.plan ?? {}) as { steps?: { id: string; resource?: string }[] };
  const resourceOf = new Map((plan.steps ?? []).map((p) => [p.id, p.resource]));
  return steps.flatMap((step) => {
    const resource = resourceOf.get(step.stepId);
    const point = step.outputs?.recoveryPoint;
    if (step.kind !== "hydrate" || step.phase !== "succeeded") return [];
    if (resource === undefined || typeof point !== "string") return [];
    const copy = step.outputs?.id;
    return [{ resource, point, copyVolume: typeof copy === "string" ? copy : null }];
  });
}

function finalDeltaOf(plan: FailbackPlan, stepId: string): string {
  const input = plan.steps.find((p) => p.id === stepId)?.input as { finalDelta?: unknown } | null;
  return typeof input?.finalDelta === "string" ? input.finalDelta : "none";
}

/**
 * The machines the failover made (its succeeded machine `create`/`adopt` steps): primary
 * provider id → the copy's instance id, where `before-sync-back` workflows act.
 */
async function copyMachines(s: StoreSession, failoverRunId: string) {
  const run = await requireRun(s, failoverRunId);
  const plan = (run.plan ?? {}) as { steps?: { id: string; resource?: string }[] };
  const resourceOf = new Map((plan.steps ?? []).map((p) => [p.id, p.resource]));
  const machines: Record<string, string> = {};
  for (const step of await listSteps(s, failoverRunId)) {
    const id = parseLogicalId(resourceOf.get(step.stepId) ?? "");
    const made = step.outputs?.id;
    if (step.phase !== "succeeded" || id?.kind !== "machine" || typeof made !== "string") continue;
    if (step.kind === "create" || step.kind === "adopt") machines[id.providerId] = made;
  }
  return machines;
}

async function setStatus(s: StoreSession, name: string, status: EnvironmentStatus) {
  const row = await getEnvironment(s, name);
  if (!row) await createEnvironment(s, { name, configDigest: "", status });
  else if (row.status !== status) await updateEnvironment(s, name, row.revision, { status });
}

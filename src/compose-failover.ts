/**
 * Failover on a watcher decision (`lifeboat watch`, `serve` while it leads) and failback
 * (`lifeboat failback`): the recovery engine wired by src/compose-recovery.ts, started once
 * per incident, or wired to the copy's connection with the primary as the source.
 */
import { environmentNamed, providerNamed } from "./config/config-lookups.js";
import { LifeboatError } from "./model/errors.js";
import {
  failoverTarget,
  failoverToUndo,
  type FailbackDeps,
} from "./recover/failback-environment.js";
import { recoverEnvironment, type RecoveryReport } from "./recover/index.js";
import { getEnvironment } from "./store/environments-repo.js";
import { terminalRunPhases } from "./model/plan/recorded-phases.js";
import { getRun, listRuns, type RunRecord } from "./store/runs-repo.js";
import { incidentRunId } from "./watch/failover-listener.js";
import { withStateStore } from "./compose-environment.js";
import { cbtVolumesOf } from "./compose-final-delta.js";
import type { CompositionOptions } from "./compose-options.js";
import { withRecovery } from "./compose-recovery.js";

/**
 * Starts a failover run of `name` for a watcher decision of incident `incidentId` and drives
 * it to its end (with `approval` it waits at its approval step for `lifeboat approve`). The
 * run's id is the incident's ({@link incidentRunId}). Skipped — `undefined` — when that run
 * exists (whatever its phase: one run per incident, a failed one is resumed by hand), when the
 * environment is already failed over, or when another failover run of it is unfinished; a
 * run recorded meanwhile by another process (the store's unique id) is skipped too. So a
 * restarted watcher, a new leader or a second decision never starts a second failover.
 */
export async function failoverOnDecision(
  name: string,
  options: CompositionOptions,
  request: {
    readonly approval: boolean;
    readonly incidentId: string;
    readonly onRun?: (run: RunRecord) => void;
  },
): Promise<RecoveryReport | undefined> {
  const runId = incidentRunId(name, request.incidentId);
  return await withRecovery(name, options, async (deps) => {
    if ((await getRun(deps.store, runId)) !== undefined) return undefined;
    if ((await getEnvironment(deps.store, name))?.status === "failed-over") return undefined;
    const runs = await listRuns(deps.store, { environment: name });
    if (runs.some((r) => r.mode === "failover" && !terminalRunPhases.includes(r.phase))) {
      return undefined;
    }
    try {
      return await recoverEnvironment(
        deps,
        { mode: "failover", approval: request.approval, runId },
        request.onRun ? { onRun: (run) => request.onRun?.(run) } : {},
      );
    } catch (error) {
      const raced = error instanceof LifeboatError && error.code === "LB_STORE_CONFLICT";
      if (raced && (await getRun(deps.store, runId)) !== undefined) return undefined;
      throw error;
    }
  });
}

// ---- Failback: the recovery engine wired to the copy's connection, plus the primary ----

/**
 * Runs `body` with a failback's dependencies for environment `name` (`lifeboat failback`): the
 * executor is wired to the connection the newest un-torn-down failover rebuilt into (its copy
 * is torn down with those handlers), `source` is the environment's primary. No such failover →
 * `LB_FAILBACK_NOTHING` before any provider is opened.
 */
export async function withFailback<T>(
  name: string,
  options: CompositionOptions,
  body: (deps: FailbackDeps) => Promise<T>,
): Promise<T> {
  const found = await withStateStore(options, async (store, loaded) => {
    const environment = environmentNamed(loaded, name);
    const failover = await failoverToUndo(store, name);
    const source = providerNamed(loaded, environment.source);
    return {
      target: failoverTarget(failover).connection,
      source: { connection: environment.source, region: source.region },
      cbtVolumes: cbtVolumesOf(environment),
    };
  });
  return await withRecovery(name, { ...options, target: found.target }, (deps) =>
    body({ ...deps, source: found.source, cbtVolumes: found.cbtVolumes }),
  );
}

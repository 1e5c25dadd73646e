import { selectionOf } from "../cli/commands/plan.js";
import {
  failoverOnDecision,
  withRecovery,
  withRun,
  withStateStore,
  type CompositionOptions,
} from "../composition.js";
import { LifeboatError, toErrorJson } from "../model/errors.js";
import { systemClock } from "../model/clock.js";
import type { Logger } from "../model/logger.js";
import { planReport } from "../plan/index.js";
import {
  continueRecovery,
  planEnvironment,
  recoverEnvironment,
  releaseDeadLease,
} from "../recover/index.js";
import { terminalRunPhases } from "../model/plan/recorded-phases.js";
import { requireRun, type RunRecord } from "../store/runs-repo.js";
import type { RunControl, RunRequest } from "./run-control.js";

const planRequest = (request: RunRequest) => {
  const selection = selectionOf(request.only);
  return {
    point: request.at === undefined ? ({ latest: true } as const) : { at: request.at },
    mode: request.mode,
    approval: request.approval === true,
    ...(selection === undefined ? {} : { selection }),
  };
};

/**
 * {@link RunControl} for a server process: every run executes here, in the background, through
 * the same recovery engine as `lifeboat recover` (journaled, leased, resumable). Failures after
 * a run is recorded are in the run itself; they are also logged here.
 */
export function backgroundRuns(options: CompositionOptions, logger: Logger): RunControl {
  const inFlight = new Set<Promise<unknown>>();
  const background = (what: string, work: Promise<unknown>): void => {
    const tracked = work.catch((error: unknown) =>
      logger.log("error", "run.background.failed", { what, error: toErrorJson(error) }),
    );
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
  };
  // The target is chosen for the version and resources the run will plan.
  const planningOptions = (request: RunRequest) => {
    const { point, selection } = planRequest(request);
    return { ...options, planning: { point, ...(selection === undefined ? {} : { selection }) } };
  };
  const readRun = (runId: string) => withStateStore(options, (store) => requireRun(store, runId));
  const targetOf = (run: RunRecord) =>
    (run.plan as { target?: { connection?: string } } | null)?.target?.connection;

  return {
    plan: (environment, request) =>
      withRecovery(environment, planningOptions(request), async (deps) => {
        const planned = await planEnvironment(deps, planRequest(request));
        return {
          environment,
          recoveryPoint: {
            version: planned.version.version,
            capturedAt: planned.version.capturedAt.toISOString(),
          },
          summary: planReport(planned.plan).summary,
          plan: planned.plan,
        };
      }),

    start: (environment, request) =>
      new Promise<RunRecord>((resolve, reject) => {
        const work = withRecovery(environment, planningOptions(request), (deps) =>
          recoverEnvironment(
            deps,
            { ...planRequest(request), keep: false },
            { onRun: (run) => resolve(run) },
          ),
        );
        // Before the run is recorded (pre-flight, no version) the caller gets the error.
        work.catch(reject);
        background(`${request.mode} of ${environment}`, work);
      }),

    failover: (environment, request) =>
      new Promise<RunRecord | undefined>((resolve, reject) => {
        const work = failoverOnDecision(environment, options, {
          ...request,
          onRun: (run) => resolve(run),
        });
        work.then((report) => report ?? resolve(undefined), reject);
        background(`failover of ${environment} (incident ${request.incidentId})`, work);
      }),

    resume: async (runId) => {
      const run = await readRun(runId);
      const now = (options.clock ?? systemClock).now().getTime();
      const live = run.leaseOwner !== null && (run.leaseExpiresAt?.getTime() ?? 0) > now;
      if (live) {
        throw new LifeboatError("LB_RUN_LOCKED", `run ${runId} is being executed`, {
          details: { runId, leaseOwner: run.leaseOwner },
        });
      }
      const target = targetOf(run.parentRunId ? await readRun(run.parentRunId) : run);
      background(
        `resume of ${runId}`,
        withRecovery(run.environment, { ...options, target }, (deps) =>
          continueRecovery(deps, runId),
        ),
      );
      return run;
    },

    cancel: (runId) =>
      withRun(runId, options, async ({ executor, store }) => {
        await releaseDeadLease(store, runId);
        return await executor.cancel(runId);
      }),

    teardown: async (runId) => {
      const run = await readRun(runId);
      if (!terminalRunPhases.includes(run.phase)) {
        throw new LifeboatError("LB_RUN_ACTIVE", `run ${runId} is ${run.phase}; cancel it first`, {
          details: { runId, phase: run.phase },
        });
      }
      background(
        `teardown of ${runId}`,
        withRun(runId, options, (access) => access.executor.teardown(runId)),
      );
      return run;
    },

    drain: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

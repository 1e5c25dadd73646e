import { runCaptureLoop } from "../capture/capture-loop.js";
import {
  captureNow,
  environmentWatch,
  openEnvironment,
  type CompositionOptions,
  type EnvironmentWatch,
} from "../composition.js";
import type { LoadedConfig } from "../config/load-config.js";
import type { Clock } from "../model/clock.js";
import { parseDuration } from "../model/duration.js";
import { asLifeboatError } from "../model/errors.js";
import type { Logger } from "../model/logger.js";
import { appendEvent } from "../store/events-repo.js";
import { terminalRunPhases } from "../model/plan/recorded-phases.js";
import { listOrphanedRuns } from "../store/run-lease.js";
import { listRuns } from "../store/runs-repo.js";
import { runDrillSchedule } from "./drill-schedule.js";
import type { Store } from "../store/store.js";
import type { StartFailover } from "../watch/failover-listener.js";
import type { RunControl } from "./run-control.js";

export interface SchedulerOptions {
  readonly loaded: LoadedConfig;
  readonly composition: CompositionOptions;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This process; recorded on every capture event so overlaps could be seen. */
  readonly owner: string;
  /**
   * Starts failovers and drills, and resumes runs left without an executor (a previous leader
   * died mid-run). Absent: decisions are recorded and alerted only.
   */
  readonly runs?: RunControl;
}

/** Event types the scheduler records per environment (docs/api.md, "Serving"). */
export const captureEvents = {
  started: "capture.started",
  finished: "capture.finished",
  failed: "capture.failed",
} as const;

/**
 * The leader's work: a capture loop per environment (every `capture.every`), the watcher of
 * each environment with health checks — its failover decisions start failover runs, one per
 * incident (docs/watch.md, "Acting on decisions") —, scheduled drills (`drill.every`), and
 * resuming orphaned runs. `start` once leadership is
 * gained; `stop` aborts the loops and waits for a capture in progress to end (it gets the
 * abort signal), so a process that lost the lease is done before another can have taken it.
 */
export class Scheduler {
  readonly #o: SchedulerOptions;
  #running: { controller: AbortController; tasks: Promise<unknown>[] } | undefined;

  constructor(options: SchedulerOptions) {
    this.#o = options;
  }

  start(): void {
    if (this.#running) return;
    const controller = new AbortController();
    const names = Object.keys(this.#o.loaded.config.environments);
    const logged = (what: string, task: Promise<void>) =>
      task.catch((error: unknown) =>
        this.#o.logger.log("error", "scheduler.task.failed", { what, error: String(error) }),
      );
    const tasks = [
      ...names.map((name) =>
        logged(`captures of ${name}`, this.#captures(name, controller.signal)),
      ),
      ...names.map((name) => logged(`watch of ${name}`, this.#watch(name, controller.signal))),
      ...names.map((name) => logged(`drills of ${name}`, this.#drills(name, controller.signal))),
      logged("resuming orphaned runs", this.#resumeOrphans(controller.signal)),
    ];
    this.#running = { controller, tasks };
  }

  async stop(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    if (!running) return;
    running.controller.abort();
    await Promise.allSettled(running.tasks);
  }

  async #captures(name: string, signal: AbortSignal): Promise<void> {
    const { store, clock, owner, logger } = this.#o;
    const services = await openEnvironment(name, this.#o.composition);
    const record = (type: string, severity: "info" | "warning", data: object) =>
      appendEvent(store, { environment: name, type, severity, data: { owner, ...data } });
    try {
      await runCaptureLoop({
        everyMs: parseDuration(services.environment.capture.every) ?? 300_000,
        clock,
        signal,
        capture: async (s) => {
          await record(captureEvents.started, "info", {});
          try {
            const c = await captureNow(services, s);
            await record(captureEvents.finished, "info", {
              version: c.version.version,
              created: c.created,
            });
            return c;
          } catch (error) {
            const e = asLifeboatError(error);
            await record(captureEvents.failed, "warning", { code: e.code, message: e.message });
            throw error;
          }
        },
        onError: (error) =>
          logger.log("warn", "capture.failed", { environment: name, code: error.code }),
      });
    } finally {
      await services.close();
    }
  }

  async #watch(name: string, signal: AbortSignal): Promise<void> {
    const { loaded, store, clock, logger, runs } = this.#o;
    const env = this.#o.composition.env ?? process.env;
    // Failover decisions start runs, as under `lifeboat watch`, but only while leading: a
    // start still queued when the lease is lost is dropped (the next leader replays it).
    const startFailover: StartFailover | undefined =
      runs &&
      (async ({ decision, approval }) => {
        if (signal.aborted) return;
        const { incidentId } = decision;
        const run = await runs.failover(name, { incidentId, approval });
        logger.log("info", run ? "watch.failover.started" : "watch.failover.skipped", {
          environment: name,
          incidentId,
          approval,
          ...(run ? { runId: run.id } : { reason: "already failed over or failing over" }),
        });
      });
    const watch: EnvironmentWatch | undefined = await environmentWatch(loaded, name, {
      store,
      clock,
      logger,
      env,
      ...(startFailover ? { startFailover } : {}),
    });
    if (!watch) return;
    watch.start();
    if (!signal.aborted) {
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
    }
    await watch.stop();
  }

  async #drills(name: string, signal: AbortSignal): Promise<void> {
    const { runs, store, clock, logger } = this.#o;
    const every = this.#o.loaded.config.environments[name]?.drill?.every;
    const everyMs = every === undefined ? undefined : parseDuration(every);
    if (!runs || everyMs === undefined) return;
    const drills = () => listRuns(store, { environment: name, limit: 50 });
    await runDrillSchedule({
      everyMs,
      clock,
      signal,
      lastDrillAt: async () => (await drills()).find((r) => r.mode === "drill")?.createdAt ?? null,
      drillActive: async () =>
        (await drills()).some((r) => r.mode === "drill" && !terminalRunPhases.includes(r.phase)),
      startDrill: async () => {
        const run = await runs.start(name, { mode: "drill" });
        logger.log("info", "drill.scheduled", { environment: name, runId: run.id });
      },
      onError: (error) =>
        logger.log("warn", "drill.schedule.failed", { environment: name, error: String(error) }),
    });
  }

  /**
   * Resumes orphaned runs — at once, then every run-lease ttl/3 while leading, because a run
   * whose executor died while this process led (or just before) is orphaned only once its
   * lease expires, which can be well after leadership changed hands. A run asked for is not
   * asked for again within two ttls (its resume is still taking the lease).
   */
  async #resumeOrphans(signal: AbortSignal): Promise<void> {
    const { runs, store, logger, clock } = this.#o;
    if (!runs) return;
    const ttlMs = parseDuration(this.#o.loaded.config.execution?.leaseTtl ?? "30s") ?? 30_000;
    const asked = new Map<string, number>();
    while (!signal.aborted) {
      const now = clock.now().getTime();
      try {
        for (const run of await listOrphanedRuns(store)) {
          if (signal.aborted) return;
          if (now - (asked.get(run.id) ?? -Infinity) < 2 * ttlMs) continue;
          asked.set(run.id, now);
          await runs.resume(run.id).then(
            () => logger.log("info", "run.resumed", { runId: run.id }),
            (error: unknown) =>
              logger.log("warn", "run.resume.failed", { runId: run.id, error: String(error) }),
          );
        }
      } catch (error) {
        logger.log("warn", "run.orphans.unreadable", { error: String(error) });
      }
      await clock.sleep(Math.max(1, Math.floor(ttlMs / 3)), signal).catch(() => undefined);
    }
  }
}

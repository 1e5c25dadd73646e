import type { Clock } from "../model/clock.js";
import {
  watchDecisionToJson,
  type FailoverPolicy,
  type WatchDecision,
} from "../model/failover-policy.js";
import type { Logger } from "../model/logger.js";
import { probeResult, type ProbeResult } from "../model/probe-status.js";
import type { DecisionListener, DecisionSink } from "./decision-sink.js";
import { summarizeDecision } from "./decision-sink.js";
import { evaluatePolicy, type Observation } from "./evaluate-policy.js";
import { describeError } from "./network-status.js";
import { checkPolicy } from "./policy-check.js";
import type { Incident, PolicyState } from "./policy-state.js";
import { restorePolicyState } from "./restore-state.js";
import type { NewestAt } from "./freshness-probe.js";
import type { ScheduledProbe } from "./probe.js";

export interface WatcherOptions {
  readonly environment: string;
  readonly probes: readonly ScheduledProbe[];
  readonly policy: FailoverPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sink: DecisionSink;
  /** Alert channels, told about each decision after it is recorded. */
  readonly listeners?: readonly DecisionListener[];
  /** Newest recovery point, read only before an auto-failover (the RPO guard). */
  readonly newestRecoveryPoint?: NewestAt;
  /**
   * Decisions recorded before this process started (`listDecisions`, oldest first): an open
   * incident and the cooldown carry over a restart instead of being acted on again.
   */
  readonly history?: readonly WatchDecision[];
}

/** What `lifeboat status <env>` shows of the watch. */
export interface WatchStatus {
  readonly environment: string;
  readonly incident: Incident | null;
  readonly inMaintenance: boolean;
  readonly probes: readonly {
    readonly id: string;
    readonly kind: string;
    readonly latest: ProbeResult | null;
    readonly okStreak: number;
  }[];
}

/**
 * Runs an environment's probes on their intervals, feeds every result through the failover
 * policy, records each decision with its evidence (the sink), then tells the alert channels.
 * Results are evaluated one at a time in arrival order. A probe that throws (a bug) is logged
 * and its result counted as `UNKNOWN`; a sink that fails is logged with the whole decision;
 * neither stops the watch. The watcher only decides: acting on `failover-*` decisions belongs
 * to whoever consumes the recorded events (the recovery executor).
 */
export class Watcher {
  readonly #options: WatcherOptions;
  #state: PolicyState;
  #chain: Promise<unknown> = Promise.resolve();
  #running: { controller: AbortController; loops: Promise<void>[] } | undefined;

  constructor(options: WatcherOptions) {
    const ids = options.probes.map((p) => p.probe.id);
    checkPolicy(options.policy, ids);
    this.#options = options;
    this.#state = restorePolicyState(ids, options.history ?? []);
  }

  /** Starts one loop per probe: run, evaluate, sleep `everyMs` (on the injected clock). */
  start(): void {
    if (this.#running !== undefined) return;
    const controller = new AbortController();
    const loops = this.#options.probes.map(async (scheduled) => {
      while (!controller.signal.aborted) {
        const result = await this.#run(scheduled, controller.signal);
        if (controller.signal.aborted) return;
        await this.observe(result).catch((error: unknown) =>
          this.#options.logger.log("error", "watch.evaluate.failed", {
            probe: scheduled.probe.id,
            detail: describeError(error),
          }),
        );
        await this.#options.clock
          .sleep(scheduled.everyMs, controller.signal)
          .catch(() => undefined);
      }
    });
    this.#running = { controller, loops };
    this.#options.logger.log("info", "watch.started", {
      environment: this.#options.environment,
      probes: this.#options.probes.map((p) => p.probe.id),
    });
  }

  /** Stops the loops and waits for them; results still being evaluated are finished first. */
  async stop(): Promise<void> {
    const running = this.#running;
    if (running === undefined) return;
    this.#running = undefined;
    running.controller.abort();
    await Promise.all(running.loops);
    await this.#chain;
    this.#options.logger.log("info", "watch.stopped", { environment: this.#options.environment });
  }

  /** Runs every probe once, concurrently, and evaluates the results in probe order. */
  async runRound(signal: AbortSignal = new AbortController().signal): Promise<WatchDecision[]> {
    const results = await Promise.all(this.#options.probes.map((p) => this.#run(p, signal)));
    const decisions: WatchDecision[] = [];
    for (const result of results) decisions.push(...(await this.observe(result)));
    return decisions;
  }

  /** Feeds one result through the policy; resolves with the decisions once they are recorded. */
  observe(result: ProbeResult): Promise<WatchDecision[]> {
    const next = this.#chain.then(() => this.#observe(result));
    this.#chain = next.catch(() => undefined);
    return next;
  }

  status(): WatchStatus {
    return {
      environment: this.#options.environment,
      incident: this.#state.incident,
      inMaintenance: this.#state.inMaintenance,
      probes: this.#options.probes.map(({ probe }) => ({
        id: probe.id,
        kind: probe.kind,
        latest: this.#state.probes[probe.id]?.latest ?? null,
        okStreak: this.#state.probes[probe.id]?.okStreak ?? 0,
      })),
    };
  }

  async #run(scheduled: ScheduledProbe, signal: AbortSignal): Promise<ProbeResult> {
    try {
      return await scheduled.probe.run(signal);
    } catch (error) {
      // Probes map target failures to statuses; reaching here is a probe bug.
      const detail = `probe failed: ${describeError(error)}`;
      this.#options.logger.log("error", "watch.probe.crashed", {
        probe: scheduled.probe.id,
        detail,
      });
      return probeResult(scheduled.probe.id, "UNKNOWN", this.#options.clock.now(), null, detail);
    }
  }

  async #observe(result: ProbeResult): Promise<WatchDecision[]> {
    const { environment, policy, clock } = this.#options;
    const previous = this.#state;
    const observation: Observation = { environment, result, now: clock.now() };
    let step = evaluatePolicy(policy, previous, observation);
    if (step.decisions.some((d) => d.requestedAction === "auto-failover")) {
      // The policy is pure, so evaluating again with the recovery point read is the same step.
      step = evaluatePolicy(policy, previous, {
        ...observation,
        ...(await this.#recoveryPoint()),
      });
    }
    this.#state = step.state;
    this.#logChanges(previous, step.state, result);
    for (const decision of step.decisions) await this.#publish(decision);
    return [...step.decisions];
  }

  async #recoveryPoint(): Promise<Pick<Observation, "recoveryPoint">> {
    const read = this.#options.newestRecoveryPoint;
    if (read === undefined) return {};
    try {
      return { recoveryPoint: { newestAt: await read(new AbortController().signal) } };
    } catch (error) {
      this.#options.logger.log("error", "watch.recovery-point.unreadable", {
        environment: this.#options.environment,
        detail: describeError(error),
      });
      return {};
    }
  }

  #logChanges(previous: PolicyState, next: PolicyState, result: ProbeResult): void {
    const { environment, logger } = this.#options;
    const before = previous.probes[result.probeId]?.latest?.code ?? null;
    if (before !== result.code) {
      logger.log(result.code === "OK" ? "info" : "warn", "watch.probe.status", {
        environment,
        probe: result.probeId,
        from: before,
        to: result.code,
        detail: result.detail,
      });
    }
    if (previous.inMaintenance !== next.inMaintenance) {
      const event = next.inMaintenance ? "watch.maintenance.started" : "watch.maintenance.ended";
      logger.log("info", event, { environment });
    }
    if (previous.incident === null && next.incident !== null) {
      logger.log("warn", "watch.incident.opened", { environment, incidentId: next.incident.id });
    }
  }

  async #publish(decision: WatchDecision): Promise<void> {
    const { logger, sink, listeners = [] } = this.#options;
    const level =
      decision.kind === "recovered" ? "info" : decision.kind === "action" ? "error" : "warn";
    logger.log(level, `watch.decision.${decision.kind}`, {
      environment: decision.environment,
      incidentId: decision.incidentId,
      action: decision.action,
      rule: decision.rule,
      reasons: decision.reasons.map((r) => r.code),
      summary: summarizeDecision(decision),
    });
    try {
      await sink.record(decision);
    } catch (error) {
      logger.log("error", "watch.decision.unrecorded", {
        detail: describeError(error),
        decision: watchDecisionToJson(decision),
      });
    }
    for (const listener of listeners) {
      try {
        listener.notify(decision);
      } catch (error) {
        logger.log("error", "watch.listener.failed", { detail: describeError(error) });
      }
    }
  }
}

import { createHash } from "node:crypto";
import type { WatchDecision } from "../model/failover-policy.js";
import type { Logger } from "../model/logger.js";
import type { DecisionListener } from "./decision-sink.js";
import { describeError } from "./network-status.js";
import { openIncident } from "./open-incident.js";
import type { RecordedDecision } from "./store-decision-sink.js";

/**
 * Starts a failover run for a decision (composition.ts supplies it: `lifeboat watch` drives
 * the run to its end, `serve` returns once it is recorded). It must be idempotent per incident
 * — the run's id is {@link incidentRunId} — so a replayed or repeated decision, or two
 * processes acting on the same incident, make one run.
 */
export type StartFailover = (request: {
  readonly decision: WatchDecision;
  /** `failover-with-approval`: the run waits at its approval step before DNS moves. */
  readonly approval: boolean;
}) => Promise<void>;

/** Acts on failover decisions, and on the failover an incident left open asked for. */
export interface FailoverListener extends DecisionListener {
  /**
   * Called once when a watcher starts, with the decisions recorded before it: if the open
   * incident asked for a failover, starts it again (a no-op when its run exists). This closes
   * the window where a previous watcher or leader recorded the decision and stopped before its
   * run was recorded — the restored watcher never decides the same incident twice.
   */
  replay(history: readonly RecordedDecision[]): void;
  /** Resolves when every start asked for so far has ended. */
  idle(): Promise<void>;
}

const isFailover = (decision: WatchDecision): boolean =>
  decision.kind === "action" &&
  (decision.action === "auto-failover" || decision.action === "failover-with-approval");

/**
 * Acts on the watcher's failover decisions (docs/watch.md, "Acting on decisions"): an
 * `auto-failover` starts a failover run, a `failover-with-approval` starts one that waits for
 * `lifeboat approve` before DNS moves. Alerts, suppressed and recovered decisions do nothing
 * here. Runs start one at a time, in decision order; `notify` returns at once and a failing
 * start is logged (`watch.failover.failed`), never thrown into the watcher.
 */
export function failoverListener(start: StartFailover, logger: Logger): FailoverListener {
  let chain: Promise<void> = Promise.resolve();
  const notify = (decision: WatchDecision): void => {
    if (!isFailover(decision)) return;
    const approval = decision.action === "failover-with-approval";
    chain = chain.then(async () => {
      try {
        await start({ decision, approval });
      } catch (error) {
        logger.log("error", "watch.failover.failed", {
          environment: decision.environment,
          incidentId: decision.incidentId,
          detail: describeError(error),
        });
      }
    });
  };
  return {
    notify,
    replay(history) {
      const open = openIncident(history);
      if (open === null) return;
      // The strongest failover the incident asked for: approval only if it never asked for more.
      const asked = history
        .map((r) => r.decision)
        .filter((d) => d.incidentId === open.id && isFailover(d));
      const decision = asked.find((d) => d.action === "auto-failover") ?? asked.at(-1);
      if (decision) notify(decision);
    },
    idle: () => chain,
  };
}

/**
 * The id of the failover run of `environment`'s incident `incidentId`: a name-based UUID
 * (SHA-256, version 8 layout), the same in every process, so the store's unique run id turns a
 * second start of one incident into a conflict instead of a second failover.
 */
export function incidentRunId(environment: string, incidentId: string): string {
  const hex = createHash("sha256")
    .update(`lifeboat.failover\0${environment}\0${incidentId}`)
    .digest("hex");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

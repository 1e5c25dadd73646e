import type { WatchDecision } from "../model/failover-policy.js";
import type { Logger } from "../model/logger.js";
import type { DecisionListener } from "./decision-sink.js";
import { describeError } from "./network-status.js";

/** Starts (and drives to its end) a failover run for a decision; composition.ts supplies it. */
export type StartFailover = (request: {
  readonly decision: WatchDecision;
  /** `failover-with-approval`: the run waits at its approval step before DNS moves. */
  readonly approval: boolean;
}) => Promise<void>;

/**
 * Acts on the watcher's failover decisions (docs/watch.md, "Acting on decisions"): an
 * `auto-failover` starts a failover run, a `failover-with-approval` starts one that waits for
 * `lifeboat approve` before DNS moves. Alerts, suppressed and recovered decisions do nothing
 * here. Runs start one at a time, in decision order; `notify` returns at once and a failing
 * start is logged (`watch.failover.failed`), never thrown into the watcher.
 */
export function failoverListener(
  start: StartFailover,
  logger: Logger,
): DecisionListener & { idle(): Promise<void> } {
  let chain: Promise<void> = Promise.resolve();
  return {
    notify(decision) {
      if (decision.kind !== "action") return;
      if (decision.action !== "auto-failover" && decision.action !== "failover-with-approval") {
        return;
      }
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
    },
    idle: () => chain,
  };
}

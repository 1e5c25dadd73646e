import type { WatchAction, WatchDecision } from "../model/failover-policy.js";

/**
 * Where decisions are recorded durably (the store's events table, for `lifeboat events <env>`
 * and `lifeboat status <env>`). `record` resolves once the decision is stored; it may reject
 * (store unreachable), and the watcher then logs the whole decision and keeps watching. A sink
 * does not deduplicate: the policy emits each decision once.
 */
export interface DecisionSink {
  record(decision: WatchDecision): Promise<void>;
}

/**
 * Told about every decision after it is recorded: alert channels (webhooks). `notify` must
 * return at once and never throw; slow delivery happens in the background.
 */
export interface DecisionListener {
  notify(decision: WatchDecision): void;
}

/** Severity words of the store's events table. */
export type DecisionSeverity = "info" | "warning" | "critical";

const actionSeverity: Readonly<Record<WatchAction, DecisionSeverity>> = {
  alert: "warning",
  "failover-with-approval": "critical",
  "auto-failover": "critical",
};

/** How a decision appears in the events table: `type` and `severity` (docs/watch.md). */
export function decisionEventType(decision: WatchDecision): {
  type: string;
  severity: DecisionSeverity;
} {
  switch (decision.kind) {
    case "action":
      return {
        type: "watch.action",
        severity: decision.action === null ? "warning" : actionSeverity[decision.action],
      };
    case "suppressed":
      return { type: "watch.suppressed", severity: "warning" };
    case "recovered":
      return { type: "watch.recovered", severity: "info" };
  }
}

/** One line summing up a decision, for logs and webhook bodies. */
export function summarizeDecision(decision: WatchDecision): string {
  const quorum = decision.quorum && `${decision.quorum.met}/${decision.quorum.required} probes`;
  switch (decision.kind) {
    case "action":
      return `${decision.environment}: ${decision.action ?? "?"} (rule ${decision.rule ?? "?"}, ${quorum ?? ""})`;
    case "suppressed":
      return `${decision.environment}: ${decision.action ?? "?"} suppressed (${decision.reasons.at(-1)?.code ?? ""})`;
    case "recovered":
      return `${decision.environment}: recovered`;
  }
}

import { createHmac } from "node:crypto";
import {
  watchDecisionToJson,
  type WatchDecision,
  type WatchDecisionJson,
} from "../model/failover-policy.js";
import { decisionEventType, summarizeDecision } from "./decision-sink.js";

/** The JSON body POSTed to a webhook (docs/watch.md, "Webhook"). Version 1. */
export interface WebhookBody {
  readonly type: "lifeboat.watch.decision";
  readonly version: 1;
  /** Same on every retry of one delivery: receivers deduplicate on it. */
  readonly deliveryId: string;
  readonly environment: string;
  readonly event: string;
  readonly severity: string;
  readonly summary: string;
  readonly decision: WatchDecisionJson;
}

export function webhookBody(decision: WatchDecision): WebhookBody {
  const { type, severity } = decisionEventType(decision);
  return {
    type: "lifeboat.watch.decision",
    version: 1,
    deliveryId: `${decision.incidentId}/${decision.kind}/${decision.at.toISOString()}`,
    environment: decision.environment,
    event: type,
    severity,
    summary: summarizeDecision(decision),
    decision: watchDecisionToJson(decision),
  };
}

/** `sha256=<hex HMAC of the body>`, sent as `x-lifeboat-signature` when a secret is set. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

import { watchDecisionJsonSchema, watchDecisionFromJson } from "../model/failover-policy.js";
import type { EventRecord } from "../store/events-repo.js";
import { summarizeDecision } from "../watch/decision-sink.js";
import { whenText } from "./relative-time.js";

/** One row of the events table in `--json` output (docs/cli-json.md). */
export interface EventJson {
  readonly id: number;
  readonly environment: string | null;
  readonly runId: string | null;
  readonly at: string;
  readonly type: string;
  readonly severity: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export function eventJson(e: EventRecord): EventJson {
  return {
    id: e.id,
    environment: e.environment,
    runId: e.runId,
    at: e.at.toISOString(),
    type: e.type,
    severity: e.severity,
    data: e.data,
  };
}

/** What an event says in a few words: a decision's summary and reasons, else its data. */
function eventSummary(e: EventRecord): string {
  const decision = e.type.startsWith("watch.") ? watchDecisionJsonSchema.safeParse(e.data) : null;
  if (decision?.success) {
    const d = watchDecisionFromJson(decision.data);
    const why = d.reasons.map((r) => `${r.code}: ${r.detail}`).join("; ");
    return `${summarizeDecision(d)}${why ? ` — ${why}` : ""}`;
  }
  const data = JSON.stringify(e.data);
  return data === "{}" ? "" : data.length > 200 ? `${data.slice(0, 197)}...` : data;
}

/** `#12  2026-11-22 03:10:00 UTC (4 min ago)  CRITICAL  watch.action  shop: …`. */
export function eventLine(e: EventRecord, now: Date): string {
  const run = e.runId ? `  run ${e.runId}` : "";
  return `#${e.id}  ${whenText(e.at, now)}  ${e.severity.toUpperCase().padEnd(8)}  ${e.type}${run}  ${eventSummary(e)}`;
}

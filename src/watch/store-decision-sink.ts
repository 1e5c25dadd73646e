import { LifeboatError } from "../model/errors.js";
import {
  watchDecisionFromJson,
  watchDecisionJsonSchema,
  watchDecisionToJson,
  type WatchDecision,
} from "../model/failover-policy.js";
import { appendEvent, listEvents, type EventFilter } from "../store/events-repo.js";
import type { StoreSession } from "../store/store.js";
import { decisionEventType, type DecisionSink } from "./decision-sink.js";

/** Event types the watcher writes (docs/watch.md, "Recorded decisions"). */
export const decisionEventTypes = ["watch.action", "watch.suppressed", "watch.recovered"] as const;

/**
 * Records each decision as one row of the store's events table: `type` per kind, `severity`
 * per action, `at` the decision's time, `data` the decision's JSON form with its evidence.
 * One insert per decision, so a crash leaves a decision either recorded or not, never half.
 */
export function storeDecisionSink(session: StoreSession): DecisionSink {
  return {
    async record(decision) {
      const { type, severity } = decisionEventType(decision);
      await appendEvent(session, {
        environment: decision.environment,
        type,
        severity,
        at: decision.at,
        data: watchDecisionToJson(decision),
      });
    },
  };
}

export interface RecordedDecision {
  readonly eventId: number;
  readonly decision: WatchDecision;
}

/**
 * The watcher's decisions about `environment`, oldest first (`lifeboat events <env>` and the
 * incident shown by `lifeboat status <env>`). A row that does not parse → `LB_STORE_CORRUPT`.
 */
export async function listDecisions(
  session: StoreSession,
  environment: string,
  filter: Pick<EventFilter, "afterId" | "limit"> = {},
): Promise<RecordedDecision[]> {
  // Every decision type starts `watch.`: filtering in SQL keeps `limit` about decisions.
  const events = await listEvents(session, { ...filter, environment, type: "watch." });
  return events
    .filter((event) => (decisionEventTypes as readonly string[]).includes(event.type))
    .map((event) => {
      const parsed = watchDecisionJsonSchema.safeParse(event.data);
      if (!parsed.success) {
        throw new LifeboatError("LB_STORE_CORRUPT", `event ${event.id} is not a watch decision`, {
          details: { table: "events", id: event.id, issues: parsed.error.issues.length },
        });
      }
      return { eventId: event.id, decision: watchDecisionFromJson(parsed.data) };
    });
}

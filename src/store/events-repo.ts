import type { Selectable } from "kysely";
import {
  decodeInteger,
  decodeJson,
  decodeTime,
  decodeValue,
  encodeJson,
  encodeTime,
  jsonObjectSchema,
  type JsonObject,
} from "./codec.js";
import { eventSeveritySchema, type EventSeverity } from "./phases.js";
import type { EventsTable } from "./schema.js";
import type { StoreSession } from "./store.js";

/**
 * An entry of the decisions and audit log: what Lifeboat observed and decided (a health
 * status change, a failover triggered or held back, an approval, a config change). Kept even
 * when the environment or run it names is gone, so no foreign keys.
 */
export interface EventRecord {
  /** Increasing in insertion order; use it as the cursor for "events since". */
  readonly id: number;
  /** Null for events that concern no single environment. */
  readonly environment: string | null;
  readonly runId: string | null;
  readonly at: Date;
  readonly type: string;
  readonly severity: EventSeverity;
  readonly data: JsonObject;
}

export interface NewEvent {
  readonly environment?: string | null;
  readonly runId?: string | null;
  readonly type: string;
  readonly severity: EventSeverity;
  readonly data?: JsonObject;
  readonly at?: Date;
}

export async function appendEvent(s: StoreSession, event: NewEvent): Promise<EventRecord> {
  const row = await s.db
    .insertInto("events")
    .values({
      environment: event.environment ?? null,
      run_id: event.runId ?? null,
      at: encodeTime(event.at ?? s.now()),
      type: event.type,
      severity: eventSeveritySchema.parse(event.severity),
      data_json: encodeJson(event.data ?? {}, jsonObjectSchema),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toEvent(row);
}

export interface EventFilter {
  readonly environment?: string;
  readonly runId?: string;
  readonly severities?: readonly EventSeverity[];
  /** Only events with a larger id (the last id a reader has seen). */
  readonly afterId?: number;
  /** Only events of this exact type, or, when it ends with `.`, of every type it starts. */
  readonly type?: string;
  readonly limit?: number;
  /** Newest first (with `limit`: the most recent ones); default oldest first. */
  readonly newestFirst?: boolean;
}

/** Events in insertion order (or its reverse). */
export async function listEvents(
  s: StoreSession,
  filter: EventFilter = {},
): Promise<EventRecord[]> {
  let query = s.db
    .selectFrom("events")
    .selectAll()
    .orderBy("id", filter.newestFirst ? "desc" : "asc");
  if (filter.environment !== undefined) query = query.where("environment", "=", filter.environment);
  if (filter.type !== undefined) {
    query = filter.type.endsWith(".")
      ? // substr, not LIKE: a type may contain `_` or `%`, which LIKE would treat as wildcards.
        query.where(
          (eb) => eb.fn("substr", ["type", eb.val(1), eb.val(filter.type!.length)]),
          "=",
          filter.type,
        )
      : query.where("type", "=", filter.type);
  }
  if (filter.runId !== undefined) query = query.where("run_id", "=", filter.runId);
  if (filter.severities !== undefined) {
    if (filter.severities.length === 0) return [];
    query = query.where("severity", "in", filter.severities);
  }
  if (filter.afterId !== undefined) query = query.where("id", ">", filter.afterId);
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return (await query.execute()).map(toEvent);
}

function toEvent(row: Selectable<EventsTable>): EventRecord {
  const at = (column: string) => ({ table: "events", column, key: String(row.id) });
  return {
    id: decodeInteger(row.id, at("id")),
    environment: row.environment,
    runId: row.run_id,
    at: decodeTime(row.at, at("at")),
    type: row.type,
    severity: decodeValue(row.severity, eventSeveritySchema, at("severity")),
    data: decodeJson(row.data_json, jsonObjectSchema, at("data_json")),
  };
}

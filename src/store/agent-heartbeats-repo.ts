import {
  decodeJson,
  decodeTime,
  encodeJson,
  encodeTime,
  jsonObjectSchema,
  type JsonObject,
} from "./codec.js";
import type { StoreSession } from "./store.js";

/** An agent's newest heartbeat: when it last reported and what it said (volumes, lag, errors). */
export interface AgentHeartbeat {
  readonly agent: string;
  readonly environment: string;
  readonly at: Date;
  readonly data: JsonObject;
}

/** Records a heartbeat (one row per agent: the newest replaces the previous one). */
export async function recordHeartbeat(
  s: StoreSession,
  beat: { agent: string; environment: string; at?: Date; data?: JsonObject },
): Promise<void> {
  const row = {
    agent: beat.agent,
    environment: beat.environment,
    at: encodeTime(beat.at ?? s.now()),
    data_json: encodeJson(beat.data ?? {}, jsonObjectSchema),
  };
  await s.db
    .insertInto("agent_heartbeats")
    .values(row)
    .onConflict((c) =>
      c
        .column("agent")
        .doUpdateSet({ environment: row.environment, at: row.at, data_json: row.data_json }),
    )
    .execute();
}

/** The newest heartbeat of `agent`, or null when it never reported. */
export async function latestHeartbeat(
  s: StoreSession,
  agent: string,
): Promise<AgentHeartbeat | null> {
  const row = await s.db
    .selectFrom("agent_heartbeats")
    .selectAll()
    .where("agent", "=", agent)
    .executeTakeFirst();
  if (row === undefined) return null;
  const at = (column: string) => ({ table: "agent_heartbeats", column, key: row.agent });
  return {
    agent: row.agent,
    environment: row.environment,
    at: decodeTime(row.at, at("at")),
    data: decodeJson(row.data_json, jsonObjectSchema, at("data_json")),
  };
}

import {
  decodeInteger,
  decodeJson,
  decodeTime,
  encodeJson,
  encodeTime,
  jsonObjectSchema,
  type JsonObject,
} from "./codec.js";
import { runNotFound } from "./runs-repo.js";
import type { StoreSession } from "./store.js";

/** One entry of a run's append-only journal. */
export interface StepEventRecord {
  readonly runId: string;
  /** 1, 2, 3… per run, in commit order, with no gaps. */
  readonly seq: number;
  /** The step it concerns; null for run-level events. */
  readonly stepId: string | null;
  readonly at: Date;
  readonly type: string;
  readonly data: JsonObject;
}

export interface NewStepEvent {
  readonly runId: string;
  readonly stepId?: string | null;
  readonly type: string;
  readonly data?: JsonObject;
  readonly at?: Date;
}

/**
 * Appends to a run's journal and returns the entry with its sequence number. The number comes
 * from the run row's `last_event_seq`, incremented in the same transaction as the insert: the
 * row lock serialises concurrent appenders, and a rolled-back append gives its number back, so
 * sequence numbers are dense and strictly increasing per run on both dialects.
 * Missing run → `LB_RUN_NOT_FOUND`.
 */
export async function appendStepEvent(
  s: StoreSession,
  event: NewStepEvent,
): Promise<StepEventRecord> {
  const data = encodeJson(event.data ?? {}, jsonObjectSchema);
  const at = encodeTime(event.at ?? s.now());
  return await s.transaction(async (tx) => {
    const bumped = await tx.db
      .updateTable("runs")
      .set((eb) => ({ last_event_seq: eb("last_event_seq", "+", 1) }))
      .where("id", "=", event.runId)
      .returning("last_event_seq")
      .executeTakeFirst();
    if (!bumped) throw runNotFound(event.runId);
    const row = await tx.db
      .insertInto("step_events")
      .values({
        run_id: event.runId,
        seq: bumped.last_event_seq,
        step_id: event.stepId ?? null,
        at,
        type: event.type,
        data_json: data,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toStepEvent(row);
  });
}

/** The run's journal after `afterSeq` (default: from the start), in order. */
export async function listStepEvents(
  s: StoreSession,
  runId: string,
  page: { readonly afterSeq?: number; readonly limit?: number } = {},
): Promise<StepEventRecord[]> {
  let query = s.db
    .selectFrom("step_events")
    .selectAll()
    .where("run_id", "=", runId)
    .where("seq", ">", page.afterSeq ?? 0)
    .orderBy("seq");
  if (page.limit !== undefined) query = query.limit(page.limit);
  return (await query.execute()).map(toStepEvent);
}

function toStepEvent(row: {
  run_id: string;
  seq: number;
  step_id: string | null;
  at: number;
  type: string;
  data_json: string;
}): StepEventRecord {
  const where = (column: string) => ({
    table: "step_events",
    column,
    key: `${row.run_id}#${row.seq}`,
  });
  return {
    runId: row.run_id,
    seq: decodeInteger(row.seq, where("seq")),
    stepId: row.step_id,
    at: decodeTime(row.at, where("at")),
    type: row.type,
    data: decodeJson(row.data_json, jsonObjectSchema, where("data_json")),
  };
}

import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import { z } from "zod";
import {
  recoveryPointKinds,
  recoveryPointMethods,
  type RecoveryPoint,
} from "../model/recovery-point.js";
import {
  decodeInteger,
  decodeJson,
  decodeTime,
  decodeValue,
  encodeJson,
  encodeTime,
  jsonObjectSchema,
} from "./codec.js";
import type { RecoveryPointsTable } from "./schema.js";
import type { StoreSession } from "./store.js";

export interface NewRecoveryPoint extends Omit<RecoveryPoint, "id" | "createdAt" | "meta"> {
  readonly id?: string;
  /** JSON only (validated on write): source positions, costs. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** Records one point (after its snapshot is committed: a point never names missing data). */
export async function recordRecoveryPoint(
  s: StoreSession,
  point: NewRecoveryPoint,
): Promise<RecoveryPoint> {
  const row = await s.db
    .insertInto("recovery_points")
    .values({
      id: point.id ?? randomUUID(),
      environment: point.environment,
      source: point.source,
      kind: point.kind,
      method: point.method,
      at: encodeTime(point.at),
      created_at: encodeTime(s.now()),
      snapshot_id: point.snapshotId,
      size_bytes: point.sizeBytes,
      changed_bytes: point.changedBytes,
      group_id: point.groupId,
      meta_json: encodeJson(point.meta ?? {}, jsonObjectSchema),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toPoint(row);
}

export interface PointFilter {
  readonly source?: string;
  readonly kind?: RecoveryPoint["kind"];
  /** Only points whose `at` is at or before this instant. */
  readonly before?: Date;
  /** Only the points of this consistency group instance. */
  readonly groupId?: string;
  readonly limit?: number;
}

/** Points of an environment, newest `at` first. */
export async function listRecoveryPoints(
  s: StoreSession,
  environment: string,
  filter: PointFilter = {},
): Promise<RecoveryPoint[]> {
  let query = s.db
    .selectFrom("recovery_points")
    .selectAll()
    .where("environment", "=", environment)
    .orderBy("at", "desc")
    .orderBy("created_at", "desc");
  if (filter.source !== undefined) query = query.where("source", "=", filter.source);
  if (filter.kind !== undefined) query = query.where("kind", "=", filter.kind);
  if (filter.groupId !== undefined) query = query.where("group_id", "=", filter.groupId);
  if (filter.before !== undefined) query = query.where("at", "<=", encodeTime(filter.before));
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return (await query.execute()).map(toPoint);
}

/** The newest point of an environment (of one source when given); null when there is none. */
export async function newestRecoveryPoint(
  s: StoreSession,
  environment: string,
  source?: string,
): Promise<RecoveryPoint | null> {
  const [point] = await listRecoveryPoints(s, environment, {
    ...(source !== undefined ? { source } : {}),
    limit: 1,
  });
  return point ?? null;
}

/** Deletes points by id (retention); returns how many rows went. */
export async function deleteRecoveryPoints(
  s: StoreSession,
  ids: readonly string[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await s.db.deleteFrom("recovery_points").where("id", "in", ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}

const kindSchema = z.enum(recoveryPointKinds);
const methodSchema = z.enum(recoveryPointMethods);

function toPoint(row: Selectable<RecoveryPointsTable>): RecoveryPoint {
  const at = (column: string) => ({ table: "recovery_points", column, key: row.id });
  return {
    id: row.id,
    environment: row.environment,
    source: row.source,
    kind: decodeValue(row.kind, kindSchema, at("kind")),
    method: decodeValue(row.method, methodSchema, at("method")),
    at: decodeTime(row.at, at("at")),
    createdAt: decodeTime(row.created_at, at("created_at")),
    snapshotId: row.snapshot_id,
    sizeBytes: decodeInteger(row.size_bytes, at("size_bytes")),
    changedBytes: decodeInteger(row.changed_bytes, at("changed_bytes")),
    groupId: row.group_id,
    meta: decodeJson(row.meta_json, jsonObjectSchema, at("meta_json")),
  };
}

import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import { LifeboatError } from "../model/errors.js";
import {
  decodeInteger,
  decodeOptionalJson,
  decodeOptionalTime,
  decodeTime,
  decodeValue,
  encodeOptionalJson,
  encodeOptionalTime,
  encodeTime,
  jsonValueSchema,
  type JsonValue,
  patched,
} from "./codec.js";
import { isForeignKeyViolation, isUniqueViolation } from "./db-errors.js";
import { environmentNotFound } from "./environments-repo.js";
import { afterOptimisticUpdate } from "./optimistic.js";
import type { RecordedRunPhase } from "../model/plan/recorded-phases.js";
import { runModeSchema, runPhaseSchema, type RunMode } from "./phases.js";
import type { RunsTable } from "./schema.js";
import type { StoreSession } from "./store.js";
import { storedErrorSchema, type StoredError } from "./stored-error.js";

/** A recovery run (failover, drill, migration, failback or teardown) and its outcome. */
export interface RunRecord {
  readonly id: string;
  readonly environment: string;
  readonly mode: RunMode;
  readonly phase: RecordedRunPhase;
  /** The run this one follows up (a teardown's drill, a failback's failover), if any. */
  readonly parentRunId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly plan: JsonValue | null;
  readonly report: JsonValue | null;
  readonly error: StoredError | null;
  /** The executor that holds the run (src/store/run-lease.ts), until `leaseExpiresAt`. */
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: Date | null;
  /** Optimistic-concurrency revision of the run's content; leases do not change it. */
  readonly revision: number;
}

export interface NewRun {
  /** Defaults to a random UUID. */
  readonly id?: string;
  readonly environment: string;
  readonly mode: RunMode;
  readonly phase?: RecordedRunPhase;
  readonly parentRunId?: string | null;
  readonly plan?: JsonValue | null;
}

/** Fields to change; `undefined` leaves a field as it is, `null` clears it. */
export interface RunPatch {
  readonly phase?: RecordedRunPhase;
  readonly startedAt?: Date | null;
  readonly finishedAt?: Date | null;
  readonly plan?: JsonValue | null;
  readonly report?: JsonValue | null;
  readonly error?: StoredError | null;
}

/**
 * Creates a run, `pending` unless told otherwise. Unknown environment → `LB_ENV_NOT_FOUND`
 * (unknown parent run → `LB_RUN_NOT_FOUND`); an id in use → `LB_STORE_CONFLICT`.
 */
export async function createRun(s: StoreSession, input: NewRun): Promise<RunRecord> {
  const at = encodeTime(s.now());
  const id = input.id ?? randomUUID();
  try {
    const row = await s.db
      .insertInto("runs")
      .values({
        id,
        environment: input.environment,
        mode: runModeSchema.parse(input.mode),
        phase: runPhaseSchema.parse(input.phase ?? "pending"),
        parent_run_id: input.parentRunId ?? null,
        created_at: at,
        updated_at: at,
        plan_json: encodeOptionalJson(input.plan),
        last_event_seq: 0,
        revision: 1,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRun(row);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new LifeboatError("LB_STORE_CONFLICT", `run ${id} exists already`, {
        cause: error,
        details: { runId: id },
        retryable: false,
      });
    }
    if (!isForeignKeyViolation(error)) throw error;
    if (input.parentRunId != null && !(await getRun(s, input.parentRunId))) {
      throw runNotFound(input.parentRunId);
    }
    throw environmentNotFound(input.environment);
  }
}

export async function getRun(s: StoreSession, id: string): Promise<RunRecord | undefined> {
  const row = await s.db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
  return row && toRun(row);
}

/** Like {@link getRun}, but a missing run is `LB_RUN_NOT_FOUND`. */
export async function requireRun(s: StoreSession, id: string): Promise<RunRecord> {
  const run = await getRun(s, id);
  if (!run) throw runNotFound(id);
  return run;
}

export interface RunFilter {
  readonly environment?: string;
  /** Only runs of these environments (a tenant's, for the API). */
  readonly environments?: readonly string[];
  readonly phases?: readonly RecordedRunPhase[];
  readonly limit?: number;
}

/** Runs, newest first. */
export async function listRuns(s: StoreSession, filter: RunFilter = {}): Promise<RunRecord[]> {
  let query = s.db.selectFrom("runs").selectAll().orderBy("created_at", "desc").orderBy("id");
  if (filter.environment !== undefined) query = query.where("environment", "=", filter.environment);
  if (filter.environments !== undefined) {
    if (filter.environments.length === 0) return [];
    query = query.where("environment", "in", filter.environments);
  }
  if (filter.phases !== undefined) {
    if (filter.phases.length === 0) return [];
    query = query.where("phase", "in", filter.phases);
  }
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return (await query.execute()).map(toRun);
}

/**
 * Applies `patch` if the run is still at `expectedRevision` and returns the new record.
 * Missing → `LB_RUN_NOT_FOUND`; changed since read → `LB_STORE_CONFLICT` (retryable: re-read,
 * decide again). Phase transitions are not checked here: that is the phase machine's job.
 */
export async function updateRun(
  s: StoreSession,
  id: string,
  expectedRevision: number,
  patch: RunPatch,
): Promise<RunRecord> {
  const row = await s.db
    .updateTable("runs")
    .set((eb) => ({
      phase: patched(patch.phase, (phase) => runPhaseSchema.parse(phase)),
      started_at: patched(patch.startedAt, encodeOptionalTime),
      finished_at: patched(patch.finishedAt, encodeOptionalTime),
      plan_json: patched(patch.plan, (plan) => encodeOptionalJson(plan)),
      report_json: patched(patch.report, (report) => encodeOptionalJson(report)),
      error_json: patched(patch.error, (error) => encodeOptionalJson(error, storedErrorSchema)),
      updated_at: encodeTime(s.now()),
      revision: eb("revision", "+", 1),
    }))
    .where("id", "=", id)
    .where("revision", "=", expectedRevision)
    .returningAll()
    .executeTakeFirst();
  const updated = await afterOptimisticUpdate(
    row,
    expectedRevision,
    async () => (await getRun(s, id))?.revision,
    () => runNotFound(id),
    { run: id },
  );
  return toRun(updated);
}

export function runNotFound(id: string): LifeboatError {
  return new LifeboatError("LB_RUN_NOT_FOUND", `run ${id} is not in the state store`, {
    details: { runId: id },
  });
}

export function toRun(row: Selectable<RunsTable>): RunRecord {
  const at = (column: string) => ({ table: "runs", column, key: row.id });
  return {
    id: row.id,
    environment: row.environment,
    mode: decodeValue(row.mode, runModeSchema, at("mode")),
    phase: decodeValue(row.phase, runPhaseSchema, at("phase")),
    parentRunId: row.parent_run_id,
    createdAt: decodeTime(row.created_at, at("created_at")),
    updatedAt: decodeTime(row.updated_at, at("updated_at")),
    startedAt: decodeOptionalTime(row.started_at, at("started_at")),
    finishedAt: decodeOptionalTime(row.finished_at, at("finished_at")),
    plan: decodeOptionalJson(row.plan_json, jsonValueSchema, at("plan_json")),
    report: decodeOptionalJson(row.report_json, jsonValueSchema, at("report_json")),
    error: decodeOptionalJson(row.error_json, storedErrorSchema, at("error_json")),
    leaseOwner: row.lease_owner,
    leaseExpiresAt: decodeOptionalTime(row.lease_expires_at, at("lease_expires_at")),
    revision: decodeInteger(row.revision, at("revision")),
  };
}

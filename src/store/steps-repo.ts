import type { Selectable } from "kysely";
import { z } from "zod";
import { LifeboatError } from "../model/errors.js";
import {
  decodeInteger,
  decodeJson,
  decodeOptionalJson,
  decodeOptionalTime,
  decodeTime,
  decodeValue,
  encodeJson,
  encodeOptionalJson,
  encodeOptionalTime,
  encodeTime,
  jsonObjectSchema,
  type JsonObject,
  patched,
} from "./codec.js";
import { isForeignKeyViolation, isUniqueViolation } from "./db-errors.js";
import { afterOptimisticUpdate } from "./optimistic.js";
import type { RecordedStepPhase } from "../model/plan/recorded-phases.js";
import { stepPhaseSchema } from "./phases.js";
import { runNotFound } from "./runs-repo.js";
import type { StepsTable } from "./schema.js";
import type { StoreSession } from "./store.js";
import { storedErrorSchema, type StoredError } from "./stored-error.js";

const dependsOnSchema = z.array(z.string().min(1));

/** One step of a run's DAG, with its progress. */
export interface StepRecord {
  readonly runId: string;
  /** Unique within the run; `dependsOn` names other steps of the same run. */
  readonly stepId: string;
  readonly kind: string;
  readonly phase: RecordedStepPhase;
  /**
   * Unique across the store: the key the step's side effect is tagged with, so a retried or
   * resumed step adopts what an earlier attempt created instead of creating it twice.
   */
  readonly idempotencyKey: string;
  readonly dependsOn: readonly string[];
  readonly attempts: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly outputs: JsonObject | null;
  readonly error: StoredError | null;
  readonly revision: number;
}

export interface NewStep {
  readonly stepId: string;
  readonly kind: string;
  readonly idempotencyKey: string;
  readonly dependsOn?: readonly string[];
  readonly phase?: RecordedStepPhase;
}

/** Fields to change; `undefined` leaves a field as it is, `null` clears it. */
export interface StepPatch {
  readonly phase?: RecordedStepPhase;
  readonly attempts?: number;
  readonly startedAt?: Date | null;
  readonly finishedAt?: Date | null;
  readonly outputs?: JsonObject | null;
  readonly error?: StoredError | null;
}

/**
 * Adds a run's steps in one statement (all or none). Missing run → `LB_RUN_NOT_FOUND`; a step
 * id or idempotency key in use → `LB_STORE_CONFLICT`.
 */
export async function createSteps(
  s: StoreSession,
  runId: string,
  steps: readonly NewStep[],
): Promise<StepRecord[]> {
  if (steps.length === 0) return [];
  const at = encodeTime(s.now());
  try {
    const rows = await s.db
      .insertInto("steps")
      .values(
        steps.map((step) => ({
          run_id: runId,
          step_id: step.stepId,
          kind: step.kind,
          phase: stepPhaseSchema.parse(step.phase ?? "pending"),
          idempotency_key: step.idempotencyKey,
          depends_on_json: encodeJson(step.dependsOn ?? [], dependsOnSchema),
          attempts: 0,
          created_at: at,
          updated_at: at,
          revision: 1,
        })),
      )
      .returningAll()
      .execute();
    const byId = new Map(rows.map((row) => [row.step_id, toStep(row)]));
    return steps.map((step) => byId.get(step.stepId)).filter((step) => step !== undefined);
  } catch (error) {
    if (isForeignKeyViolation(error)) throw runNotFound(runId);
    if (!isUniqueViolation(error)) throw error;
    throw new LifeboatError("LB_STORE_CONFLICT", `run ${runId} has a step that exists already`, {
      cause: error,
      details: { runId },
      retryable: false,
    });
  }
}

export async function getStep(
  s: StoreSession,
  runId: string,
  stepId: string,
): Promise<StepRecord | undefined> {
  const row = await s.db
    .selectFrom("steps")
    .selectAll()
    .where("run_id", "=", runId)
    .where("step_id", "=", stepId)
    .executeTakeFirst();
  return row && toStep(row);
}

export async function findStepByIdempotencyKey(
  s: StoreSession,
  idempotencyKey: string,
): Promise<StepRecord | undefined> {
  const row = await s.db
    .selectFrom("steps")
    .selectAll()
    .where("idempotency_key", "=", idempotencyKey)
    .executeTakeFirst();
  return row && toStep(row);
}

/** The run's steps, by step id. */
export async function listSteps(s: StoreSession, runId: string): Promise<StepRecord[]> {
  const rows = await s.db
    .selectFrom("steps")
    .selectAll()
    .where("run_id", "=", runId)
    .orderBy("step_id")
    .execute();
  return rows.map(toStep);
}

/**
 * Applies `patch` if the step is still at `expectedRevision`. Missing → `LB_STEP_NOT_FOUND`;
 * changed since read → `LB_STORE_CONFLICT`.
 */
export async function updateStep(
  s: StoreSession,
  runId: string,
  stepId: string,
  expectedRevision: number,
  patch: StepPatch,
): Promise<StepRecord> {
  const row = await s.db
    .updateTable("steps")
    .set((eb) => ({
      phase: patched(patch.phase, (phase) => stepPhaseSchema.parse(phase)),
      attempts: patch.attempts,
      started_at: patched(patch.startedAt, encodeOptionalTime),
      finished_at: patched(patch.finishedAt, encodeOptionalTime),
      outputs_json: patched(patch.outputs, (outputs) =>
        encodeOptionalJson(outputs, jsonObjectSchema),
      ),
      error_json: patched(patch.error, (error) => encodeOptionalJson(error, storedErrorSchema)),
      updated_at: encodeTime(s.now()),
      revision: eb("revision", "+", 1),
    }))
    .where("run_id", "=", runId)
    .where("step_id", "=", stepId)
    .where("revision", "=", expectedRevision)
    .returningAll()
    .executeTakeFirst();
  const updated = await afterOptimisticUpdate(
    row,
    expectedRevision,
    async () => (await getStep(s, runId, stepId))?.revision,
    () =>
      new LifeboatError("LB_STEP_NOT_FOUND", `run ${runId} has no step ${stepId}`, {
        details: { runId, stepId },
      }),
    { run: runId, step: stepId },
  );
  return toStep(updated);
}

function toStep(row: Selectable<StepsTable>): StepRecord {
  const at = (column: string) => ({ table: "steps", column, key: `${row.run_id}/${row.step_id}` });
  return {
    runId: row.run_id,
    stepId: row.step_id,
    kind: row.kind,
    phase: decodeValue(row.phase, stepPhaseSchema, at("phase")),
    idempotencyKey: row.idempotency_key,
    dependsOn: decodeJson(row.depends_on_json, dependsOnSchema, at("depends_on_json")),
    attempts: decodeInteger(row.attempts, at("attempts")),
    createdAt: decodeTime(row.created_at, at("created_at")),
    updatedAt: decodeTime(row.updated_at, at("updated_at")),
    startedAt: decodeOptionalTime(row.started_at, at("started_at")),
    finishedAt: decodeOptionalTime(row.finished_at, at("finished_at")),
    outputs: decodeOptionalJson(row.outputs_json, jsonObjectSchema, at("outputs_json")),
    error: decodeOptionalJson(row.error_json, storedErrorSchema, at("error_json")),
    revision: decodeInteger(row.revision, at("revision")),
  };
}

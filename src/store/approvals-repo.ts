import type { Selectable } from "kysely";
import { z } from "zod";
import { LifeboatError } from "../model/errors.js";
import { decodeTime, decodeValue, encodeTime } from "./codec.js";
import { isUniqueViolation } from "./db-errors.js";
import { appendEvent } from "./events-repo.js";
import { requireRun } from "./runs-repo.js";
import type { ApprovalsTable } from "./schema.js";
import type { StoreSession } from "./store.js";

export const approvalDecisions = ["approved", "rejected"] as const;
export type ApprovalDecision = (typeof approvalDecisions)[number];
const decisionSchema = z.enum(approvalDecisions);

/** A human decision on one step of a run that waits for approval. */
export interface ApprovalRecord {
  readonly runId: string;
  readonly stepId: string;
  readonly decision: ApprovalDecision;
  /** Who decided (a user name, a token's name); free text. */
  readonly by: string;
  readonly comment: string | null;
  readonly at: Date;
}

/** An approval to record; `at` defaults to the store's clock. */
export type NewApproval = Omit<ApprovalRecord, "at"> & { readonly at?: Date };

/**
 * Records a decision on a step. The first decision wins, across processes (the primary key
 * decides the race): recording the same decision again returns the stored one unchanged (a
 * retried `approve` is harmless); a different decision afterwards → `LB_APPROVAL_ALREADY_DECIDED`.
 * In the same transaction an `approval.approved` / `approval.rejected` entry is added to the
 * events log (the audit trail). Unknown run → `LB_RUN_NOT_FOUND`.
 */
export async function recordApproval(
  s: StoreSession,
  approval: NewApproval,
): Promise<ApprovalRecord> {
  const decision = decisionSchema.parse(approval.decision);
  const at = approval.at ?? s.now();
  try {
    return await s.transaction(async (tx) => {
      const run = await requireRun(tx, approval.runId);
      const row = await tx.db
        .insertInto("approvals")
        .values({
          run_id: approval.runId,
          step_id: approval.stepId,
          decision,
          decided_by: approval.by,
          comment: approval.comment,
          at: encodeTime(at),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendEvent(tx, {
        environment: run.environment,
        runId: run.id,
        type: `approval.${decision}`,
        severity: decision === "approved" ? "info" : "warning",
        data: { stepId: approval.stepId, by: approval.by, comment: approval.comment },
        at,
      });
      return toApproval(row);
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await findApproval(s, approval.runId, approval.stepId);
    if (existing?.decision === decision) return existing;
    throw new LifeboatError(
      "LB_APPROVAL_ALREADY_DECIDED",
      `step ${approval.stepId} of run ${approval.runId} was ${existing?.decision ?? "decided"} already`,
      {
        cause: error,
        details: { runId: approval.runId, stepId: approval.stepId, decided: existing?.decision },
      },
    );
  }
}

/** The decision on a step, or `undefined` while nobody has decided. */
export async function findApproval(
  s: StoreSession,
  runId: string,
  stepId: string,
): Promise<ApprovalRecord | undefined> {
  const row = await s.db
    .selectFrom("approvals")
    .selectAll()
    .where("run_id", "=", runId)
    .where("step_id", "=", stepId)
    .executeTakeFirst();
  return row && toApproval(row);
}

/** Every decision on the run's steps, oldest first. */
export async function listApprovals(s: StoreSession, runId: string): Promise<ApprovalRecord[]> {
  const rows = await s.db
    .selectFrom("approvals")
    .selectAll()
    .where("run_id", "=", runId)
    .orderBy("at")
    .orderBy("step_id")
    .execute();
  return rows.map(toApproval);
}

function toApproval(row: Selectable<ApprovalsTable>): ApprovalRecord {
  const where = (column: string) => ({
    table: "approvals",
    column,
    key: `${row.run_id}/${row.step_id}`,
  });
  return {
    runId: row.run_id,
    stepId: row.step_id,
    decision: decodeValue(row.decision, decisionSchema, where("decision")),
    by: row.decided_by,
    comment: row.comment,
    at: decodeTime(row.at, where("at")),
  };
}

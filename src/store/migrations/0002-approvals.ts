import type { Kysely, Migration } from "kysely";

/*
 * Approval decisions (docs/state-store.md, "approvals"): one row per (run, step) — the first
 * decision wins, so the primary key is what makes "approved twice" or "approved, then
 * rejected" impossible even between two processes. Portable: text, epoch-ms bigint.
 */
export function approvalsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("approvals")
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id").onDelete("cascade"))
        .addColumn("step_id", "text", (c) => c.notNull())
        .addColumn("decision", "text", (c) => c.notNull())
        .addColumn("decided_by", "text", (c) => c.notNull())
        .addColumn("comment", "text")
        .addColumn("at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("approvals_pk", ["run_id", "step_id"])
        .execute();
    },
  };
}

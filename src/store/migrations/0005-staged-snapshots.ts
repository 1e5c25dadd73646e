import type { Kysely, Migration } from "kysely";

/*
 * Pre-staged mode (docs/hydration.md): one row per recovery point staged as a provider block
 * snapshot in a target. No foreign key to `recovery_points`: retention deletes point rows, and
 * the newest staged snapshot stays the parent of the next one after its point is gone.
 * Never edit a released migration: add the next one.
 */
export function stagedSnapshotsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("staged_snapshots")
        .addColumn("point_id", "text", (c) => c.notNull())
        .addColumn("target", "text", (c) => c.notNull())
        .addColumn("region", "text", (c) => c.notNull())
        .addColumn("environment", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("point_at", "bigint", (c) => c.notNull())
        .addColumn("point_snapshot_id", "text", (c) => c.notNull())
        .addColumn("snapshot_id", "text", (c) => c.notNull())
        .addColumn("parent_snapshot_id", "text")
        .addColumn("mode", "text", (c) => c.notNull())
        .addColumn("blocks_written", "bigint", (c) => c.notNull())
        .addColumn("bytes_written", "bigint", (c) => c.notNull())
        .addColumn("staged_ms", "bigint", (c) => c.notNull())
        .addColumn("staged_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("staged_snapshots_pk", ["point_id", "target"])
        .execute();
      await db.schema
        .createIndex("staged_snapshots_source_idx")
        .on("staged_snapshots")
        .columns(["environment", "source", "target", "point_at"])
        .execute();
    },
  };
}

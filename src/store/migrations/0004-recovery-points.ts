import type { Kysely, Migration } from "kysely";

/*
 * Data protection (docs/state-store.md, docs/protect.md): one row per recovery point (a volume
 * or database state that can be restored) and the agents' newest heartbeats. No foreign key to
 * `environments`: an agent may protect volumes before the first capture made that row.
 * Never edit a released migration: add the next one.
 */
export function recoveryPointsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("recovery_points")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("environment", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("method", "text", (c) => c.notNull())
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("snapshot_id", "text", (c) => c.notNull())
        .addColumn("size_bytes", "bigint", (c) => c.notNull())
        .addColumn("changed_bytes", "bigint", (c) => c.notNull())
        .addColumn("group_id", "text")
        .addColumn("meta_json", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("recovery_points_source_idx")
        .on("recovery_points")
        .columns(["environment", "source", "at"])
        .execute();
      await db.schema
        .createIndex("recovery_points_at_idx")
        .on("recovery_points")
        .columns(["environment", "at"])
        .execute();

      await db.schema
        .createTable("agent_heartbeats")
        .addColumn("agent", "text", (c) => c.primaryKey())
        .addColumn("environment", "text", (c) => c.notNull())
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("data_json", "text", (c) => c.notNull())
        .execute();
    },
  };
}

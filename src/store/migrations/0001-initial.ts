import type { Kysely, Migration } from "kysely";
import type { StoreDialect } from "../store.js";

/*
 * The first schema (docs/state-store.md explains each table). Portable by construction: text
 * ids, epoch-ms integers ("bigint": int8 on PostgreSQL, INTEGER affinity on SQLite) for every
 * timestamp, JSON as text. Only the events table's surrogate key differs per dialect.
 * Never edit a released migration: add the next one.
 */
export function initialMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("environments")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("tenant", "text", (c) => c.notNull())
        .addColumn("config_digest", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("revision", "integer", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("inventory_versions")
        .addColumn("environment", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("captured_at", "bigint", (c) => c.notNull())
        .addColumn("last_seen_at", "bigint", (c) => c.notNull())
        .addColumn("digest", "text", (c) => c.notNull())
        .addColumn("snapshot_id", "text", (c) => c.notNull())
        .addColumn("counts_json", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("inventory_versions_pk", ["environment", "version"])
        .addForeignKeyConstraint(
          "inventory_versions_environment_fk",
          ["environment"],
          "environments",
          ["name"],
          (fk) => fk.onDelete("cascade"),
        )
        .execute();
      await db.schema
        .createIndex("inventory_versions_digest_idx")
        .on("inventory_versions")
        .columns(["environment", "digest"])
        .execute();

      await db.schema
        .createTable("runs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("environment", "text", (c) => c.notNull().references("environments.name"))
        .addColumn("mode", "text", (c) => c.notNull())
        .addColumn("phase", "text", (c) => c.notNull())
        .addColumn("parent_run_id", "text", (c) => c.references("runs.id"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("started_at", "bigint")
        .addColumn("finished_at", "bigint")
        .addColumn("plan_json", "text")
        .addColumn("report_json", "text")
        .addColumn("error_json", "text")
        .addColumn("lease_owner", "text")
        .addColumn("lease_expires_at", "bigint")
        .addColumn("last_event_seq", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("revision", "integer", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("runs_environment_idx")
        .on("runs")
        .columns(["environment", "created_at"])
        .execute();
      await db.schema.createIndex("runs_phase_idx").on("runs").column("phase").execute();

      await db.schema
        .createTable("steps")
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id").onDelete("cascade"))
        .addColumn("step_id", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("phase", "text", (c) => c.notNull())
        .addColumn("idempotency_key", "text", (c) => c.notNull().unique())
        .addColumn("depends_on_json", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("started_at", "bigint")
        .addColumn("finished_at", "bigint")
        .addColumn("outputs_json", "text")
        .addColumn("error_json", "text")
        .addColumn("revision", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("steps_pk", ["run_id", "step_id"])
        .execute();

      await db.schema
        .createTable("step_events")
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id").onDelete("cascade"))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("step_id", "text")
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("data_json", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("step_events_pk", ["run_id", "seq"])
        .execute();

      await db.schema
        .createTable("events")
        .addColumn("id", dialect === "postgres" ? "bigint" : "integer", (c) =>
          dialect === "postgres"
            ? c.primaryKey().generatedAlwaysAsIdentity()
            : c.primaryKey().autoIncrement(),
        )
        .addColumn("environment", "text")
        .addColumn("run_id", "text")
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("severity", "text", (c) => c.notNull())
        .addColumn("data_json", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("events_environment_idx")
        .on("events")
        .columns(["environment", "id"])
        .execute();
      await db.schema.createIndex("events_run_idx").on("events").column("run_id").execute();
    },
  };
}

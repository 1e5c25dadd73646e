import type { Kysely, Migration } from "kysely";

/*
 * Labelled inventory versions (docs/state-store.md): a version that is not a capture of the
 * environment's primary — a failback's capture of the copy that served during a failover
 * (`copy:<failover run id>`). Null for ordinary captures. Never edit a released migration: add
 * the next one.
 */
export function inventoryLabelsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("inventory_versions").addColumn("label", "text").execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("inventory_versions").dropColumn("label").execute();
    },
  };
}

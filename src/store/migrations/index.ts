import type { Migration } from "kysely";
import type { StoreDialect } from "../store.js";
import { initialMigration } from "./0001-initial.js";
import { approvalsMigration } from "./0002-approvals.js";
import { apiServerMigration } from "./0003-api-server.js";
import { recoveryPointsMigration } from "./0004-recovery-points.js";
import { stagedSnapshotsMigration } from "./0005-staged-snapshots.js";
import { inventoryLabelsMigration } from "./0006-inventory-labels.js";

/**
 * Every migration this build knows, by name; names sort in the order they run. Compiled in
 * (never read from disk) so an installed Lifeboat cannot lose or mix up its migrations.
 */
export function storeMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    "0001-initial": initialMigration(dialect),
    "0002-approvals": approvalsMigration(),
    "0003-api-server": apiServerMigration(),
    "0004-recovery-points": recoveryPointsMigration(),
    "0005-staged-snapshots": stagedSnapshotsMigration(),
    "0006-inventory-labels": inventoryLabelsMigration(),
  };
}

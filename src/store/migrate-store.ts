import { Migrator, sql, type Kysely, type Migration } from "kysely";
import { LifeboatError } from "../model/errors.js";
import { storeMigrations } from "./migrations/index.js";
import type { StoreDialect } from "./store.js";

export const MIGRATION_TABLE = "lifeboat_migration";
const MIGRATION_LOCK_TABLE = "lifeboat_migration_lock";

/**
 * Brings the schema up to this build's latest migration. Idempotent: applied migrations are
 * recorded in `lifeboat_migration` and skipped. Concurrent openers are serialised (PostgreSQL:
 * Kysely's advisory lock; SQLite: one `BEGIN IMMEDIATE` transaction), so the loser finds
 * nothing to do. A store that has a migration this build does not know was written by a newer
 * Lifeboat: `LB_STORE_SCHEMA_TOO_NEW`, and nothing is changed. Pending migrations run in one
 * transaction: if one fails (`LB_STORE_MIGRATION_FAILED`), none of them is applied.
 * `migrations` is for tests; Lifeboat always runs its own compiled-in list.
 */
export async function migrateStore(
  db: Kysely<unknown>,
  dialect: StoreDialect,
  redactedUrl: string,
  migrations: Record<string, Migration> = storeMigrations(dialect),
): Promise<{ applied: string[] }> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error === undefined) {
    return { applied: results.filter((r) => r.status === "Success").map((r) => r.migrationName) };
  }
  if (error instanceof LifeboatError && error.code !== "LB_STORE_CONFLICT") throw error;
  const unknown = (await appliedMigrations(db)).filter((name) => !(name in migrations));
  if (unknown.length > 0) {
    throw new LifeboatError(
      "LB_STORE_SCHEMA_TOO_NEW",
      `state store ${redactedUrl} has migrations this Lifeboat does not know: ${unknown.join(", ")}`,
      { details: { url: redactedUrl, unknownMigrations: unknown, known: Object.keys(migrations) } },
    );
  }
  if (error instanceof LifeboatError) throw error;
  const failed = results.find((r) => r.status === "Error")?.migrationName;
  throw new LifeboatError(
    "LB_STORE_MIGRATION_FAILED",
    `migrating the state store ${redactedUrl} failed${failed ? ` in ${failed}` : ""}`,
    { cause: error, details: { url: redactedUrl, migration: failed ?? null } },
  );
}

/** Names of the migrations recorded as applied, or none when the store is fresh. */
export async function appliedMigrations(db: Kysely<unknown>): Promise<string[]> {
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(
      MIGRATION_TABLE,
    )} order by name`.execute(db);
    return rows.map((row) => row.name);
  } catch {
    return [];
  }
}

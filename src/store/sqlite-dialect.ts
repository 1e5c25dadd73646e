import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from "kysely";
import { LifeboatError } from "../model/errors.js";
import { translateDbError } from "./translate-db-error.js";

/**
 * Begins every transaction with `BEGIN IMMEDIATE`: the write lock is taken up front, waiting
 * up to the busy timeout, so two processes never both read and then fail to upgrade to a write
 * (which SQLite reports as an immediate SQLITE_BUSY that the busy timeout does not cover).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

/**
 * SQLite does roll DDL back with the transaction, but Kysely's adapter says it does not, which
 * makes the migrator run without a transaction and without any lock. Saying yes makes the whole
 * migration one `BEGIN IMMEDIATE` transaction: a second process opening the same fresh store
 * waits for the first, then finds nothing left to do; a crash mid-migration leaves no half.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class LifeboatSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * Turns on WAL. Switching a fresh file's journal mode needs an exclusive lock, and SQLite
 * answers SQLITE_BUSY at once (the busy timeout does not cover it) when another process opening
 * the same fresh store holds a lock just then; so it is retried, with a short jittered pause,
 * for up to the busy timeout.
 */
function enableWal(database: Database.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      database.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() >= deadline)
        throw error;
      Atomics.wait(pause, 0, 0, 5 + Math.random() * 20);
    }
  }
}

export interface SqliteOptions {
  readonly path: string;
  readonly memory: boolean;
  readonly redactedUrl: string;
  /** How long a writer waits for another process's write lock, in ms. */
  readonly busyTimeoutMs: number;
}

/**
 * Opens (creating if needed) the SQLite file now, so that an unopenable path fails here with
 * `LB_STORE_UNREACHABLE` rather than at the first query: creates the parent folder, turns on
 * WAL (readers never block the writer), the busy timeout and foreign keys.
 */
export function sqliteDialect(options: SqliteOptions): Dialect {
  let database: Database.Database | undefined;
  try {
    if (!options.memory) mkdirSync(dirname(options.path), { recursive: true });
    database = new Database(options.path, { timeout: options.busyTimeoutMs });
    database.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
    if (!options.memory) enableWal(database, options.busyTimeoutMs);
    database.pragma("foreign_keys = ON");
    // Explicit, since builds may default WAL to NORMAL: a journaled step must survive power loss.
    database.pragma("synchronous = FULL");
  } catch (error) {
    database?.close();
    throw (
      translateDbError(error, options.redactedUrl) ??
      new LifeboatError(
        "LB_STORE_UNREACHABLE",
        `cannot open the state store ${options.redactedUrl}`,
        {
          cause: error,
          details: { url: options.redactedUrl, reason: (error as { code?: string }).code ?? "" },
        },
      )
    );
  }
  return new LifeboatSqliteDialect({ database });
}

import { AsyncLocalStorage } from "node:async_hooks";
import { Kysely, sql, type Dialect, type Transaction } from "kysely";
import { BugError, LifeboatError } from "../model/errors.js";
import type { Secret } from "../model/secret.js";
import { migrateStore } from "./migrate-store.js";
import type { StoreSchema } from "./schema.js";
import { sqliteDialect } from "./sqlite-dialect.js";
import type { Store, StoreDialect, StoreSession } from "./store.js";
import { SharedBackends } from "./shared-backend.js";
import { parseStoreUrl, redactStoreUrl, type StoreLocation } from "./store-url.js";
import { translateDbError } from "./translate-db-error.js";
import { translatingDialect } from "./translating-dialect.js";

export interface OpenStoreOptions {
  /** Folder that relative `sqlite:` paths resolve against (the config file's); default cwd. */
  readonly baseDir?: string;
  /** PostgreSQL password, when it is not in the URL (it should not be). */
  readonly password?: Secret;
  /** How long connecting to PostgreSQL may take before LB_STORE_UNREACHABLE; default 5 s. */
  readonly connectTimeoutMs?: number;
  /** How long an SQLite writer waits for another process's lock; default 5 s. */
  readonly busyTimeoutMs?: number;
  /** PostgreSQL pool size; default 10. */
  readonly maxConnections?: number;
  /** The clock every repo timestamp comes from; default the system clock. */
  readonly now?: () => Date;
}

/**
 * Opens the state store named by `url` (docs/state-store.md, "URLs"), checks that it is
 * reachable, and migrates it to this build's schema before returning.
 *
 * Errors: a URL of another scheme → `LB_CONFIG_INVALID`; a server that cannot be reached in
 * `connectTimeoutMs`, or an SQLite path that cannot be opened → `LB_STORE_UNREACHABLE`; a schema
 * newer than this build → `LB_STORE_SCHEMA_TOO_NEW`. Messages and details carry the URL with
 * its password redacted.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const redactedUrl = redactStoreUrl(url);
  const location = parseStoreUrl(url, options.baseDir);
  const open = () => openBackend(location, redactedUrl, options);
  const now = options.now ?? (() => new Date());
  if (location.dialect === "sqlite" && !location.memory) {
    const handle = await sqliteFiles.acquire(location.path, open);
    return createStore(handle.value, now, handle.release);
  }
  const backend = await open();
  let closed: Promise<void> | undefined;
  return createStore(backend, now, () => (closed ??= backend.db.destroy()));
}

/** An open, migrated database; several Store objects may share one (SQLite files). */
interface Backend {
  readonly db: Kysely<StoreSchema>;
  readonly dialect: StoreDialect;
  readonly redactedUrl: string;
  /** Marks the async context of this database's transactions (see `guard` below). */
  readonly transactionScope: AsyncLocalStorage<true>;
}

// Per SQLite file, one connection per process: shared-backend.ts explains why. Options of
// later openers of an already open file (busy timeout) do not apply.
const sqliteFiles = new SharedBackends<Backend>((backend) => backend.db.destroy());

async function openBackend(
  location: StoreLocation,
  redactedUrl: string,
  options: OpenStoreOptions,
): Promise<Backend> {
  let inner: Dialect;
  if (location.dialect === "sqlite") {
    inner = sqliteDialect({
      ...location,
      redactedUrl,
      busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    });
  } else {
    // Loaded only for PostgreSQL URLs: the `pg` driver costs ~0.1 s of start-up that commands
    // on a SQLite store (e.g. `pg archive-wal`, once per WAL segment) should not pay.
    const { postgresDialect } = await import("./postgres-dialect.js");
    inner = postgresDialect({
      connectionString: location.connectionString,
      password: options.password,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      maxConnections: options.maxConnections ?? 10,
    }).dialect;
  }
  // Using the store itself (not the transaction's session) inside one of its transactions
  // would wait forever on SQLite, whose one connection the transaction holds, and silently
  // escape the transaction on PostgreSQL: fail fast as the bug it is, on both.
  const transactionScope = new AsyncLocalStorage<true>();
  const guard = () => {
    if (transactionScope.getStore()) {
      throw new BugError("the store was used inside its own transaction; use the session `tx`");
    }
  };
  const db = new Kysely<StoreSchema>({ dialect: translatingDialect(inner, redactedUrl, guard) });
  try {
    await sql`select 1`.execute(db);
    await migrateStore(db as unknown as Kysely<unknown>, location.dialect, redactedUrl);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw unreachable(error, redactedUrl);
  }
  return { db, dialect: location.dialect, redactedUrl, transactionScope };
}

function unreachable(error: unknown, redactedUrl: string): unknown {
  if (error instanceof LifeboatError) return error;
  return (
    translateDbError(error, redactedUrl) ??
    new LifeboatError("LB_STORE_UNREACHABLE", `cannot use the state store ${redactedUrl}`, {
      cause: error,
      details: { url: redactedUrl },
    })
  );
}

function createStore(backend: Backend, now: () => Date, close: () => Promise<void>): Store {
  const { dialect, transactionScope } = backend;
  const session = (handle: Kysely<StoreSchema>, inTransaction: boolean): StoreSession => {
    const self: StoreSession = {
      db: handle,
      dialect,
      now,
      transaction: (fn) =>
        inTransaction
          ? fn(self)
          : handle
              .transaction()
              .execute((trx: Transaction<StoreSchema>) =>
                transactionScope.run(true, () => fn(session(trx, true))),
              ),
    };
    return self;
  };
  return { ...session(backend.db, false), redactedUrl: backend.redactedUrl, close };
}

import type { Kysely } from "kysely";
import type { StoreSchema } from "./schema.js";

/** The SQL dialects the store runs on; both get the same migrations and the same test suite. */
export type StoreDialect = "sqlite" | "postgres";

/**
 * A handle for reading and writing state: the whole store, or one open transaction. The
 * data-access functions (`*-repo.ts`) take a session, so the same call works alone or as part of
 * a larger transaction.
 */
export interface StoreSession {
  /** Typed query builder; inside a transaction it is bound to the transaction. */
  readonly db: Kysely<StoreSchema>;
  readonly dialect: StoreDialect;
  /** The store's clock (injectable for tests); every `*_at` the repos write comes from it. */
  now(): Date;
  /**
   * Runs `fn` in one transaction: it commits when `fn` resolves and rolls back when it throws
   * (the error is rethrown unchanged). Called on a session that is already a transaction, it
   * joins that transaction instead of nesting (no savepoint: an error caught inside `fn` does
   * not undo the joined part). Inside `fn` use `tx` only: touching the store itself there is a
   * `BugError` (on SQLite it would wait forever for the connection the transaction holds).
   * Keep transactions short and free of outside I/O. On SQLite the transaction takes the write lock
   * when it begins (`BEGIN IMMEDIATE`), so two processes never deadlock upgrading a read; a
   * writer waits up to the busy timeout, then fails with `LB_STORE_CONFLICT` (retryable).
   */
  transaction<T>(fn: (tx: StoreSession) => Promise<T>): Promise<T>;
}

/** An open state store: migrated to this build's schema, ready to use. */
export interface Store extends StoreSession {
  /** The URL it was opened with, password replaced by `***`: safe to log. */
  readonly redactedUrl: string;
  /**
   * Releases this handle; idempotent. Connections close when the last handle over them is
   * released (openers of one SQLite file in one process share its connection). Queries made
   * through a released handle whose connections are closed fail.
   */
  close(): Promise<void>;
}

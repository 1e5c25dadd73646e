import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from "kysely";
import { translateDbError } from "./translate-db-error.js";

type Translate = (error: unknown) => unknown;

/**
 * Wraps a Kysely dialect so that every driver error (connecting, beginning a transaction, any
 * query) passes through {@link translateDbError} once, whichever code issued it: lost
 * connections become `LB_STORE_UNREACHABLE` and lock timeouts `LB_STORE_CONFLICT` everywhere.
 * `beforeAcquire` runs whenever a query needs a connection of its own (not a transaction's).
 */
export function translatingDialect(
  inner: Dialect,
  redactedUrl: string,
  beforeAcquire: () => void = () => undefined,
): Dialect {
  const translate: Translate = (error) => translateDbError(error, redactedUrl) ?? error;
  return {
    createDriver: () => new TranslatingDriver(inner.createDriver(), translate, beforeAcquire),
    createQueryCompiler: (): QueryCompiler => inner.createQueryCompiler(),
    createAdapter: (): DialectAdapter => inner.createAdapter(),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => inner.createIntrospector(db),
  };
}

async function guarded<T>(translate: Translate, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw translate(error);
  }
}

class TranslatingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly translate: Translate,
  ) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return guarded(this.translate, () => this.inner.executeQuery<R>(compiledQuery));
  }

  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize?: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(compiledQuery, chunkSize);
    } catch (error) {
      throw this.translate(error);
    }
  }
}

// Driver methods receive the connection Kysely got from acquireConnection (our wrapper); the
// inner driver must get its own connection back (pg releases through a private symbol).
const unwrap = (connection: DatabaseConnection): DatabaseConnection =>
  connection instanceof TranslatingConnection ? connection.inner : connection;

class TranslatingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly translate: Translate,
    private readonly beforeAcquire: () => void,
  ) {}

  init(): Promise<void> {
    return guarded(this.translate, () => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.beforeAcquire();
    const connection = await guarded(this.translate, () => this.inner.acquireConnection());
    return new TranslatingConnection(connection, this.translate);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return guarded(this.translate, () => this.inner.beginTransaction(unwrap(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return guarded(this.translate, () => this.inner.commitTransaction(unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return guarded(this.translate, () => this.inner.rollbackTransaction(unwrap(connection)));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

import { PostgresDialect, type Dialect } from "kysely";
import pg from "pg";
import { BugError } from "../model/errors.js";
import type { Secret } from "../model/secret.js";

export interface PostgresOptions {
  readonly connectionString: string;
  /** Overrides any password in the URL; keeps it out of config files. */
  readonly password?: Secret | undefined;
  readonly connectTimeoutMs: number;
  readonly maxConnections: number;
}

const INT8_OID = 20;

/**
 * pg returns BIGINT (int8) as a string, since it may exceed 2^53. Every int8 column of ours is
 * an epoch-ms timestamp or a count, far below that: parse to number, and treat anything larger
 * as the bug it would be. Set per pool, not on pg's global type registry, to affect only us.
 */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new BugError(`int8 value ${text} exceeds 2^53`);
  return value;
}

const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? parseInt8
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PostgresConnection {
  readonly dialect: Dialect;
  readonly pool: pg.Pool;
}

/** A pool and its dialect; connects lazily (openStore checks reachability itself). */
export function postgresDialect(options: PostgresOptions): PostgresConnection {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    ...(options.password ? { password: options.password.reveal() } : {}),
    connectionTimeoutMillis: options.connectTimeoutMs,
    max: options.maxConnections,
    application_name: "lifeboat",
    types,
  });
  // An idle client losing its server must not crash the process; the next query reconnects
  // or fails with LB_STORE_UNREACHABLE.
  pool.on("error", () => undefined);
  return { dialect: new PostgresDialect({ pool }), pool };
}

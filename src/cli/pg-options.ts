import type { Command } from "commander";
import { loadConfig } from "../config/load-config.js";
import type { PostgresProtectConfig } from "../model/config.js";
import { LifeboatError } from "../model/errors.js";
import type { RepositoryCliOptions } from "./repository-options.js";

/** Options of every `lifeboat pg` verb: which protected PostgreSQL it is about. */
export interface PgCliOptions extends RepositoryCliOptions {
  readonly env?: string;
  readonly database?: string;
}

/** A `postgres:` protect entry and the environment it belongs to. */
export interface PgTarget {
  readonly environment: string;
  readonly postgres: PostgresProtectConfig;
  readonly rpo: string;
}

/** Adds --env and --database (both optional while the config protects one PostgreSQL). */
export function withPgOptions(command: Command): Command {
  return command
    .option("--env <name>", "environment whose protect list names the database")
    .option("--database <name>", "the `postgres.name` of the protect entry");
}

/**
 * The protect entry the flags name. With neither flag, the config must hold exactly one
 * `postgres:` entry (so `archive_command` can stay `lifeboat pg archive-wal %p %f`).
 */
export async function pgTarget(options: PgCliOptions): Promise<PgTarget> {
  const { config, file } = await loadConfig({ config: options.config });
  const all: PgTarget[] = [];
  for (const [environment, env] of Object.entries(config.environments)) {
    for (const item of env.protect) {
      if (item.postgres) all.push({ environment, postgres: item.postgres, rpo: item.rpo });
    }
  }
  const matches = all.filter(
    (t) =>
      (options.env === undefined || t.environment === options.env) &&
      (options.database === undefined || t.postgres.name === options.database),
  );
  const only = matches[0];
  if (only !== undefined && matches.length === 1) return only;
  const known = all.map((t) => `${t.environment}/${t.postgres.name}`).join(", ") || "none";
  throw new LifeboatError(
    matches.length === 0 ? "LB_PG_NOT_CONFIGURED" : "LB_USAGE",
    matches.length === 0
      ? `${file} protects no such PostgreSQL (known: ${known})`
      : `${file} protects several PostgreSQL databases (${known}); name one with --env/--database`,
    { details: { known: all.map((t) => `${t.environment}/${t.postgres.name}`) } },
  );
}

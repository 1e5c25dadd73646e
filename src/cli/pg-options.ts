import type { Command } from "commander";
import { loadConfig } from "../config/load-config.js";
import type { PostgresProtectConfig } from "../model/config.js";
import { LifeboatError } from "../model/errors.js";
import type { NewPoint } from "../protect/point-log.js";
import type { CliIo } from "./output.js";
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

/**
 * Records a PostgreSQL recovery point in the state store (docs/pg-protection.md, "Recovery
 * points"); resolves its id, or null with a warning on stderr when the store cannot take it.
 * Best effort on purpose: the data is already committed to the repository (the source of
 * truth, which `pg status` and `pg restore` read), and failing `archive_command` over a state
 * store outage would make PostgreSQL keep every segment until its disk fills.
 */
export async function recordPgPoint(
  io: CliIo,
  options: PgCliOptions,
  point: NewPoint,
): Promise<string | null> {
  try {
    // Imported here, not through composition.ts: archive-wal runs once per segment and must
    // not load the provider SDKs (about a second of start-up).
    const [{ openStore }, { recordRecoveryPoint }] = await Promise.all([
      import("../store/open-store.js"),
      import("../store/recovery-points-repo.js"),
    ]);
    const loaded = await loadConfig({ config: options.config });
    const store = await openStore(loaded.config.state, { baseDir: loaded.dir });
    try {
      return (await recordRecoveryPoint(store, point)).id;
    } finally {
      await store.close();
    }
  } catch (error) {
    const code = error instanceof LifeboatError ? error.code : "LB_INTERNAL";
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`warning: recovery point not recorded (${code}): ${message}\n`);
    return null;
  }
}

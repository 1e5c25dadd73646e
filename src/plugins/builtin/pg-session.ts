import { createHash } from "node:crypto";
import pg from "pg";
import { LifeboatError } from "../../model/errors.js";
import type { DatabaseTarget } from "../../model/workflow-target.js";
import type { PluginContext } from "../plugin-api.js";

/**
 * The sessions `pg-quiesce` holds open, by `<quiesce step key>#<target index>`. The locks live
 * in these sessions: closing one (or the process dying) releases them, which is what makes a
 * crash safe for writers.
 */
export const heldSessions = new Map<string, pg.Client>();

/** The `application_name` of a quiesce session: how `pg-unquiesce` finds it from any process. */
export function quiesceSessionName(stepKey: string, index: number): string {
  const digest = createHash("sha256").update(`${stepKey}#${index}`).digest("hex").slice(0, 20);
  return `lifeboat-quiesce-${digest}`;
}

/** The target's connection URL (`url`, or the variable `urlEnv` names). */
export function databaseUrl(ctx: PluginContext, target: DatabaseTarget): string {
  const url = target.url ?? (target.urlEnv === undefined ? undefined : ctx.env(target.urlEnv));
  if (url) return url;
  throw new LifeboatError(
    "LB_SECRET_MISSING",
    `the database URL variable ${target.urlEnv ?? "(none)"} is not set`,
    { details: { urlEnv: target.urlEnv ?? null } },
  );
}

/** Opens a session; a connection failure is `LB_ACTION_FAILED` (the URL is never in it). */
export async function connect(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  // A session dropped by the server while held must not crash the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw pgFailed("cannot connect to the database", error);
  }
}

export function pgFailed(what: string, error: unknown): LifeboatError {
  const e = error as { code?: string; message?: string };
  return new LifeboatError("LB_ACTION_FAILED", `${what}: ${e.message ?? String(error)}`, {
    cause: error,
    details: { sqlState: e.code ?? null },
  });
}

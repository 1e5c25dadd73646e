import { z } from "zod";
import { parseDuration } from "../../model/duration.js";
import type { DatabaseTarget, WorkflowTarget } from "../../model/workflow-target.js";
import { definePlugin, PLUGIN_API_VERSION } from "../plugin-api.js";
import { connect, databaseUrl, heldSessions, pgFailed, quiesceSessionName } from "./pg-session.js";

const params = z.strictObject({
  /** Run CHECKPOINT first, so the consistency point has little WAL to replay. */
  checkpoint: z.boolean().default(true),
  /** How long to wait for writers in flight before giving up (they queue behind us meanwhile). */
  lockTimeout: z.string().default("10s"),
});

const isPostgres = (t: WorkflowTarget): t is DatabaseTarget =>
  t.kind === "database" && t.engine === "postgres";

/** Every user table, quoted, when the target names none. */
const userTables = `
  SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
  WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`;

/**
 * A PostgreSQL consistency point: CHECKPOINT, then one session per target opens a transaction
 * and takes `EXCLUSIVE` locks on the tables — writers (INSERT, UPDATE, DELETE) wait, readers go
 * on — and records the WAL position. The session stays open until `pg-unquiesce` (the pair's undo
 * half) ends it, so writers are held back exactly for the window. If Lifeboat dies, the session
 * dies with it and the database releases the locks at once.
 */
export const pgQuiescePlugin = definePlugin<z.infer<typeof params>, DatabaseTarget>({
  name: "lifeboat.action.pg-quiesce",
  apiVersion: PLUGIN_API_VERSION,
  action: "pg-quiesce",
  description: "Hold PostgreSQL writers back at a checkpointed consistency point",
  configSchema: params,
  appliesTo: isPostgres,
  async execute(ctx) {
    const points: Record<string, unknown>[] = [];
    for (const [index, target] of ctx.targets.entries()) {
      const key = `${ctx.idempotencyKey}#${index}`;
      await releaseHeld(key); // a retry in this process starts from a clean session
      const session = quiesceSessionName(ctx.idempotencyKey, index);
      const client = await connect(databaseUrl(ctx, target), session);
      heldSessions.set(key, client);
      try {
        if (ctx.params.checkpoint) await client.query("CHECKPOINT");
        const tables =
          target.tables ??
          (await client.query<{ name: string }>(userTables)).rows.map((r) => r.name);
        await client.query("BEGIN");
        const ms = parseDuration(ctx.params.lockTimeout) ?? 10_000;
        await client.query(`SET LOCAL lock_timeout = ${Math.round(ms)}`);
        if (tables.length > 0) {
          const list = target.tables ? tables.map(quoteName).join(", ") : tables.join(", ");
          await client.query(`LOCK TABLE ${list} IN EXCLUSIVE MODE`);
        }
        const lsn = await client.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
        const point = {
          session,
          tables,
          lsn: lsn.rows[0]?.lsn ?? null,
          lockedAt: ctx.clock.now().toISOString(),
        };
        await ctx.journal("quiesced", point);
        points.push(point);
      } catch (error) {
        await releaseHeld(key);
        throw pgFailed("pg-quiesce failed", error);
      }
    }
    return { points };
  },
});

/** Ends a held session of this process (rolling back its transaction releases its locks). */
export async function releaseHeld(key: string): Promise<boolean> {
  const client = heldSessions.get(key);
  if (!client) return false;
  heldSessions.delete(key);
  await client.query("ROLLBACK").catch(() => undefined);
  await client.end().catch(() => undefined);
  return true;
}

/** `orders` → `"orders"`, `app.orders` → `"app"."orders"`. */
function quoteName(name: string): string {
  return name
    .split(".")
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join(".");
}

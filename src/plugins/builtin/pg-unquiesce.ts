import { z } from "zod";
import { LifeboatError } from "../../model/errors.js";
import type { DatabaseTarget, WorkflowTarget } from "../../model/workflow-target.js";
import { definePlugin, PLUGIN_API_VERSION } from "../plugin-api.js";
import { releaseHeld } from "./pg-quiesce.js";
import { connect, databaseUrl, pgFailed, quiesceSessionName } from "./pg-session.js";

const isPostgres = (t: WorkflowTarget): t is DatabaseTarget =>
  t.kind === "database" && t.engine === "postgres";

/**
 * Ends the consistency point its pair's `pg-quiesce` opened: the held session of this process
 * is rolled back and closed (writers flow again). When the quiesce ran in a process that has
 * died (resume after a crash), any session still carrying the quiesce's `application_name` is
 * terminated, so "released" holds whatever happened. Idempotent; must be the undo step of a
 * `pg-quiesce` with the same targets.
 */
export const pgUnquiescePlugin = definePlugin<Record<string, never>, DatabaseTarget>({
  name: "lifeboat.action.pg-unquiesce",
  apiVersion: PLUGIN_API_VERSION,
  action: "pg-unquiesce",
  description: "Let PostgreSQL writers go after pg-quiesce",
  configSchema: z.strictObject({}),
  appliesTo: isPostgres,
  async execute(ctx) {
    if (!ctx.pair) {
      throw new LifeboatError(
        "LB_ACTION_FAILED",
        `step ${ctx.stepId}: pg-unquiesce must be the undo step of a pg-quiesce (undo: ${ctx.stepId})`,
        { details: { step: ctx.stepId } },
      );
    }
    const released: Record<string, unknown>[] = [];
    for (const [index, target] of ctx.targets.entries()) {
      const session = quiesceSessionName(ctx.pair.idempotencyKey, index);
      if (await releaseHeld(`${ctx.pair.idempotencyKey}#${index}`)) {
        released.push({ session, how: "ended" });
        continue;
      }
      const client = await connect(databaseUrl(ctx, target), "lifeboat-unquiesce");
      try {
        // In the select list, so only the matching sessions are terminated (a WHERE clause may
        // evaluate the function before the name test).
        const ended = await client.query<{ pid: number }>(
          "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
          [session],
        );
        released.push({ session, how: ended.rowCount ? "terminated" : "absent" });
      } catch (error) {
        throw pgFailed("pg-unquiesce failed", error);
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    await ctx.journal("released", { released });
    return { released };
  },
});

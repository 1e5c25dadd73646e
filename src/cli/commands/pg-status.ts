import { pgStatus, type PgStatus } from "../../protect/pg/pg-status.js";
import { commandGroup } from "../command-group.js";
import { printResult } from "../output.js";
import { pgTarget, withPgOptions, type PgCliOptions } from "../pg-options.js";
import { formatBytes } from "../progress.js";
import { withRepository, withRepositoryOptions } from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

/** `--json` output of `pg status` (docs/cli-json.md). */
export interface PgStatusJson extends PgStatus {
  readonly ok: true;
  readonly rpo: string;
}

/** `lifeboat pg status`: base backups, archived WAL, how far a restore reaches. Reads only. */
export const registerPgStatus: RegisterCommand = (program, io) => {
  withPgOptions(
    withRepositoryOptions(
      commandGroup(program, "pg", "Protect and restore PostgreSQL (base backups + WAL).")
        .command("status")
        .description("Show base backups, archived WAL and the newest recoverable time."),
    ),
  ).action(async (options: PgCliOptions) => {
    await runAction(io, options.json, async () => {
      const target = await pgTarget(options);
      const status = await withRepository(options, (repo) =>
        pgStatus(repo, target.environment, target.postgres.name),
      );
      const json: PgStatusJson = { ok: true, ...status, rpo: target.rpo };
      printResult(io, options.json, json, (r) =>
        [
          `${r.environment}/${r.database}: ${r.baseBackups.length} base backups, ${r.walFiles} WAL files (rpo ${r.rpo})`,
          ...r.baseBackups.map(
            (b) =>
              `  base ${b.snapshot.slice(0, 12)} finished ${b.finishedAt} (${formatBytes(b.size)})`,
          ),
          `  recoverable until ${r.recoverableUntil ?? "—"} (newest WAL ${r.newestWal ?? "—"})`,
          r.archiveLagSeconds
            ? `  archive lag: median ${r.archiveLagSeconds.median.toFixed(2)} s, max ${r.archiveLagSeconds.max.toFixed(2)} s`
            : "",
        ].join("\n"),
      );
    });
  });
};

import { newCounters } from "../../repository/archiver/api.js";
import { takeBaseBackup, type BaseBackupResult } from "../../protect/pg/base-backup.js";
import { commandGroup } from "../command-group.js";
import { printResult } from "../output.js";
import { basePoint } from "../../protect/pg/pg-points.js";
import { pgTarget, recordPgPoint, withPgOptions, type PgCliOptions } from "../pg-options.js";
import { formatBytes, startProgress } from "../progress.js";
import { withRepository, withRepositoryOptions } from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

/** `--json` output of `pg basebackup` (docs/cli-json.md). */
export interface PgBaseBackupJson extends BaseBackupResult {
  readonly ok: true;
  /** The `recovery_points` row recorded for the backup; null when the store could not take it. */
  readonly pointId: string | null;
}

/** `lifeboat pg basebackup`: pg_basebackup streamed as a tar into the repository. */
export const registerPgBaseBackup: RegisterCommand = (program, io) => {
  withPgOptions(
    withRepositoryOptions(
      commandGroup(program, "pg", "Protect and restore PostgreSQL (base backups + WAL).")
        .command("basebackup")
        .description("Take a base backup (pg_basebackup) straight into the repository."),
    ),
  ).action(async (options: PgCliOptions) => {
    await runAction(io, options.json, async () => {
      const target = await pgTarget(options);
      await withRepository(options, async (repo) => {
        const counters = newCounters();
        const progress = startProgress(io, options.json, "backup", counters);
        let result: BaseBackupResult;
        try {
          result = await takeBaseBackup(
            repo,
            {
              environment: target.environment,
              database: target.postgres.name,
              url: target.postgres.url,
              ...(target.postgres.bin === undefined ? {} : { bin: target.postgres.bin }),
            },
            { counters },
          );
        } finally {
          progress.stop();
        }
        const pointId = await recordPgPoint(
          io,
          options,
          basePoint(target.environment, target.postgres.name, result),
        );
        const json: PgBaseBackupJson = { ok: true, ...result, pointId };
        printResult(io, options.json, json, (r) =>
          [
            `base backup of ${r.environment}/${r.database} saved as snapshot ${r.snapshot}`,
            `  ${formatBytes(r.size)} tar, uploaded ${formatBytes(r.bytesUploaded)}` +
              ` (${r.blobsReused} chunks already stored); WAL from ${r.startWalFile ?? "?"}`,
          ].join("\n"),
        );
      });
    });
  });
};

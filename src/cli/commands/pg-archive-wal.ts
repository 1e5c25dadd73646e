import { archiveWal, type ArchivedWal } from "../../protect/pg/archive-wal.js";
import { commandGroup } from "../command-group.js";
import { printResult } from "../output.js";
import { pgTarget, withPgOptions, type PgCliOptions } from "../pg-options.js";
import { withRepository, withRepositoryOptions } from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

/** `--json` output of `pg archive-wal` (docs/cli-json.md). */
export interface PgArchiveWalJson extends ArchivedWal {
  readonly ok: true;
  /** Seconds from the file's last write to its durable commit: this segment's archive lag. */
  readonly lagSeconds: number;
}

/**
 * `lifeboat pg archive-wal %p %f`: PostgreSQL's archive_command. Exit 0 only once the file is
 * durably in the repository; any failure exits non-zero and PostgreSQL retries the file.
 */
export const registerPgArchiveWal: RegisterCommand = (program, io) => {
  withPgOptions(
    withRepositoryOptions(
      commandGroup(program, "pg", "Protect and restore PostgreSQL (base backups + WAL).")
        .command("archive-wal")
        .description("archive_command: store one WAL file (%p %f) in the repository.")
        .argument("<path>", "%p: the file's path (relative to the data directory)")
        .argument("<name>", "%f: the file's name"),
    ),
  ).action(async (path: string, name: string, options: PgCliOptions) => {
    await runAction(io, options.json, async () => {
      const target = await pgTarget(options);
      const stored = await withRepository(options, (repo) =>
        archiveWal(repo, {
          environment: target.environment,
          database: target.postgres.name,
          path,
          name,
        }),
      );
      const json: PgArchiveWalJson = {
        ok: true,
        ...stored,
        lagSeconds: (Date.parse(stored.archivedAt) - Date.parse(stored.closedAt)) / 1000,
      };
      // PostgreSQL sends this line to its server log: one line per archived file.
      printResult(
        io,
        options.json,
        json,
        (r) =>
          `archived ${r.file} as snapshot ${r.snapshot.slice(0, 12)} (lag ${r.lagSeconds.toFixed(2)} s)`,
      );
    });
  });
};

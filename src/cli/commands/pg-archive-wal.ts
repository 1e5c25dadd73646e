import { archiveWal, type ArchivedWal } from "../../protect/pg/archive-wal.js";
import type { Repository } from "../../repository/repository.js";
import { commandGroup } from "../command-group.js";
import { withKeyCache, type KeyCacheUse } from "../key-cache.js";
import { printResult } from "../output.js";
import { walPoint } from "../../protect/pg/pg-points.js";
import { pgTarget, recordPgPoint, withPgOptions, type PgCliOptions } from "../pg-options.js";
import { withRepository, withRepositoryOptions } from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

/** `--json` output of `pg archive-wal` (docs/cli-json.md). */
export interface PgArchiveWalJson extends ArchivedWal {
  readonly ok: true;
  /** Seconds from the file's last write to its durable commit: this segment's archive lag. */
  readonly lagSeconds: number;
  /** The `recovery_points` row recorded for the segment; null when the store could not take it. */
  readonly pointId: string | null;
  /** With `--key-cache`: whether the cached key was used (`hit`), derived (`miss`) or not usable. */
  readonly keyCache: KeyCacheUse | null;
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
        .argument("<name>", "%f: the file's name")
        .option(
          "--key-cache <dir>",
          "keep the unwrapped key in this private directory (password file only; docs/pg-protection.md)",
        ),
    ),
  ).action(async (path: string, name: string, options: PgCliOptions & { keyCache?: string }) => {
    await runAction(io, options.json, async () => {
      const target = await pgTarget(options);
      const archive = (repo: Repository) =>
        archiveWal(repo, {
          environment: target.environment,
          database: target.postgres.name,
          path,
          name,
        });
      let keyCache: KeyCacheUse | null = null;
      const stored =
        options.keyCache === undefined
          ? await withRepository(options, archive)
          : await withKeyCache(options.keyCache, options, (repo, use) => {
              keyCache = use;
              return archive(repo);
            });
      const pointId = await recordPgPoint(
        io,
        options,
        walPoint(target.environment, target.postgres.name, stored),
      );
      const json: PgArchiveWalJson = {
        ok: true,
        ...stored,
        pointId,
        keyCache,
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

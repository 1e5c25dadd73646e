import { LifeboatError } from "../../model/errors.js";
import { newCounters } from "../../repository/archiver/api.js";
import { restoreDataDir, type RestoredDataDir } from "../../protect/pg/restore-data-dir.js";
import { startRestored, type StartedServer } from "../../protect/pg/start-restored.js";
import { commandGroup } from "../command-group.js";
import { printResult } from "../output.js";
import { pgTarget, withPgOptions, type PgCliOptions } from "../pg-options.js";
import { formatBytes, startProgress } from "../progress.js";
import { withRepository, withRepositoryOptions } from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { parseAt } from "./restore.js";

interface PgRestoreOptions extends PgCliOptions {
  readonly at?: string;
  readonly target?: string;
  readonly start?: boolean;
  readonly port?: string;
  readonly listen?: string;
}

/** `--json` output of `pg restore` (docs/cli-json.md). */
export interface PgRestoreJson extends RestoredDataDir {
  readonly ok: true;
  /** Present with --start. */
  readonly server: StartedServer | null;
}

/** `lifeboat pg restore --at <time> --target <dir> [--start]`: point-in-time recovery. */
export const registerPgRestore: RegisterCommand = (program, io) => {
  withPgOptions(
    withRepositoryOptions(
      commandGroup(program, "pg", "Protect and restore PostgreSQL (base backups + WAL).")
        .command("restore")
        .description("Build a data directory that recovers to --at; --start runs it.")
        .option("--at <time>", "recover every commit at or before this time (default: latest)")
        .option("--target <dir>", "new or empty directory for the data directory (required)")
        .option("--start", "start the server and wait until recovery has promoted it")
        .option("--port <n>", "with --start: port to listen on", "5432")
        .option("--listen <addr>", "with --start: listen_addresses", "127.0.0.1"),
    ),
  ).action(async (options: PgRestoreOptions) => {
    await runAction(io, options.json, async () => {
      if (!options.target) throw new LifeboatError("LB_USAGE", "pg restore needs --target <dir>");
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new LifeboatError("LB_USAGE", `--port ${options.port} is not a port number`);
      }
      const at =
        options.at === undefined || options.at === "latest" ? undefined : parseAt(options.at);
      // Date keeps milliseconds; PostgreSQL's commit times have microseconds.
      const micros = Number(
        /:\d\d[.,]\d{3}(\d{1,3})/.exec(options.at ?? "")?.[1]?.padEnd(3, "0") ?? 0,
      );
      const target = await pgTarget(options);
      const restored = await withRepository(options, async (repo) => {
        const counters = newCounters();
        const progress = startProgress(io, options.json, "restore", counters);
        try {
          return await restoreDataDir(repo, {
            environment: target.environment,
            database: target.postgres.name,
            target: options.target!,
            counters,
            ...(at === undefined ? {} : { at, atMicros: micros }),
          });
        } finally {
          progress.stop();
        }
      });
      const server = options.start
        ? await startRestored({
            target: restored.target,
            port,
            ...(options.listen === undefined ? {} : { listen: options.listen }),
            ...(target.postgres.bin === undefined ? {} : { bin: target.postgres.bin }),
          })
        : null;
      const json: PgRestoreJson = { ok: true, ...restored, server };
      printResult(io, options.json, json, (r) =>
        [
          `data directory ${r.target} recovers to ${r.at ?? "the end of the archive"}`,
          `  base backup ${r.baseSnapshot.slice(0, 12)} (finished ${r.baseFinishedAt}),` +
            ` ${r.segments} WAL segments ${r.firstSegment ?? ""}…${r.lastSegment ?? ""},` +
            ` ${formatBytes(r.bytesWritten)} written`,
          r.server
            ? `  running at ${r.server.url}, promoted after ${r.server.recoverySeconds.toFixed(1)} s` +
              (r.server.targetReached ? "" : " (archive ended before the target: replayed all)")
            : `  start it with: pg_ctl start -D ${r.target}`,
        ].join("\n"),
      );
    });
  });
};

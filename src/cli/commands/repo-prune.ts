import { prune, type PruneReport } from "../../repository/prune.js";
import { commandGroup } from "../command-group.js";
import { printResult } from "../output.js";
import { formatBytes } from "../progress.js";
import {
  withRepository,
  withRepositoryOptions,
  type RepositoryCliOptions,
} from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

interface PruneOptions extends RepositoryCliOptions {
  readonly dryRun?: boolean;
}

/** `--json` output of `repo prune` (docs/cli-json.md). */
export interface PruneJson extends PruneReport {
  readonly ok: true;
  readonly dryRun: boolean;
}

/** `lifeboat repo prune`: deletes packs no snapshot references (exclusive lock). */
export const registerRepoPrune: RegisterCommand = (program, io) => {
  withRepositoryOptions(
    commandGroup(program, "repo", "Manage the encrypted repository.")
      .command("prune")
      .description("Delete data no snapshot references (safe while backups run).")
      .option("--dry-run", "show what would be deleted, change nothing"),
  ).action(async (options: PruneOptions) => {
    await runAction(io, options.json, () =>
      withRepository(options, async (repo) => {
        const report = await prune(repo, { dryRun: Boolean(options.dryRun) });
        const json: PruneJson = { ok: true, dryRun: Boolean(options.dryRun), ...report };
        printResult(io, options.json, json, (r) =>
          [
            `${r.candidates.length} unreferenced pack(s); deleted ${r.deleted.length}` +
              `, deferred ${r.deferred.length}, freed ${formatBytes(r.bytesFreed)}`,
            r.dryRun ? "dry run: nothing was deleted" : "",
          ]
            .filter(Boolean)
            .join("\n"),
        );
      }),
    );
  });
};

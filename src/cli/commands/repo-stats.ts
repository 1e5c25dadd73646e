import { repositoryStats, type RepositoryStats } from "../../repository/stats.js";
import { commandGroup } from "../command-group.js";
import { printResult } from "../output.js";
import { formatBytes } from "../progress.js";
import {
  withRepository,
  withRepositoryOptions,
  type RepositoryCliOptions,
} from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

/** `--json` output of `repo stats` (docs/cli-json.md). */
export interface StatsJson extends RepositoryStats {
  readonly ok: true;
}

/** `lifeboat repo stats`: sizes and counts; writes nothing. */
export const registerRepoStats: RegisterCommand = (program, io) => {
  withRepositoryOptions(
    commandGroup(program, "repo", "Manage the encrypted repository.")
      .command("stats")
      .description("Show the repository's size, dedup and compression."),
  ).action(async (options: RepositoryCliOptions) => {
    await runAction(io, options.json, () =>
      withRepository(options, async (repo) => {
        const json: StatsJson = { ok: true, ...(await repositoryStats(repo)) };
        printResult(io, options.json, json, (r) =>
          [
            `${r.snapshots} snapshots, ${formatBytes(r.logicalBytes)} logical`,
            `${r.packs} packs, ${formatBytes(r.storedBytes)} stored, ${r.blobs} blobs` +
              ` (${formatBytes(r.rawBlobBytes)} before compression)`,
            `space ratio ${r.spaceRatio.toFixed(2)}`,
          ].join("\n"),
        );
      }),
    );
  });
};

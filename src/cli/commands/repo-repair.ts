import { LifeboatError } from "../../model/errors.js";
import { repairIndex, type RepairIndexReport } from "../../repository/repair-index.js";
import { commandGroup } from "../command-group.js";
import { printResult } from "../output.js";
import {
  withRepository,
  withRepositoryOptions,
  type RepositoryCliOptions,
} from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

/** `--json` output of `repo repair index` (docs/cli-json.md). */
export interface RepairJson extends RepairIndexReport {
  readonly ok: true;
}

/** `lifeboat repo repair index`: rebuilds the index from pack headers. */
export const registerRepoRepair: RegisterCommand = (program, io) => {
  withRepositoryOptions(
    commandGroup(program, "repo", "Manage the encrypted repository.")
      .command("repair")
      .description("Repair repository metadata (what: index).")
      .argument("<what>", "what to repair: index"),
  ).action(async (what: string, options: RepositoryCliOptions) => {
    await runAction(io, options.json, async () => {
      if (what !== "index") {
        throw new LifeboatError("LB_USAGE", `cannot repair ${what}; only \`repo repair index\``);
      }
      await withRepository(options, async (repo) => {
        const json: RepairJson = { ok: true, ...(await repairIndex(repo)) };
        printResult(
          io,
          options.json,
          json,
          (r) =>
            `rebuilt the index from ${r.packs} packs (${r.blobs} blobs)` +
            (r.unreadable.length ? `; ${r.unreadable.length} unreadable pack(s)` : ""),
        );
      });
    });
  });
};

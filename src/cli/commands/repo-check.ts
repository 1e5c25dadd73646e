import { LifeboatError } from "../../model/errors.js";
import { checkRepository, type CheckReport } from "../../repository/check.js";
import { commandGroup } from "../command-group.js";
import { printResult } from "../output.js";
import {
  withRepository,
  withRepositoryOptions,
  type RepositoryCliOptions,
} from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

interface CheckOptions extends RepositoryCliOptions {
  readonly readData?: boolean;
  readonly readDataSubset?: string;
}

/** `--json` output of `repo check` when it finds nothing wrong (docs/cli-json.md). */
export interface CheckJson extends CheckReport {
  readonly ok: true;
}

function subsetOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)%$/.exec(value.trim());
  const pct = match ? Number(match[1]) : NaN;
  if (!(pct > 0 && pct <= 100)) {
    throw new LifeboatError("LB_USAGE", "--read-data-subset takes a percentage, e.g. 10%");
  }
  return pct / 100;
}

/**
 * A failed check as one error: the first finding's code (an integrity code, exit 4), a message
 * naming every damaged object and the snapshots it affects, and the whole report in details.
 */
export function checkFailure(report: CheckReport): LifeboatError {
  const first = report.errors[0]!;
  const lines = report.errors.map(
    (e) =>
      `${e.object}: ${e.message}` +
      (e.snapshots.length ? ` (affects snapshots ${e.snapshots.join(", ")})` : ""),
  );
  return new LifeboatError(
    first.code,
    `check found ${report.errors.length} problem(s):\n  ${lines.join("\n  ")}`,
    { details: { errors: report.errors, warnings: report.warnings, counts: report.counts } },
  );
}

/** `lifeboat repo check`: verifies structure, and with --read-data every pack's bytes. */
export const registerRepoCheck: RegisterCommand = (program, io) => {
  withRepositoryOptions(
    commandGroup(program, "repo", "Manage the encrypted repository.")
      .command("check")
      .description("Verify the repository; exit 4 naming damaged objects and affected snapshots.")
      .option("--read-data", "also download and verify every pack")
      .option("--read-data-subset <pct>", "verify this share of packs, e.g. 10%"),
  ).action(async (options: CheckOptions) => {
    await runAction(io, options.json, async () => {
      const subset = subsetOf(options.readDataSubset);
      await withRepository(options, async (repo) => {
        const report = await checkRepository(repo, {
          ...(options.readData ? { readData: true } : {}),
          ...(subset !== undefined ? { readDataSubset: subset } : {}),
        });
        if (!report.ok || report.errors.length > 0) throw checkFailure(report);
        const json: CheckJson = { ...report, ok: true };
        printResult(io, options.json, json, (r) =>
          [
            `no errors: ${r.counts.snapshots} snapshots, ${r.counts.packs} packs` +
              `, ${r.counts.blobs} blobs, ${r.counts.packsRead} packs read`,
            ...r.warnings.map((w) => `warning: ${w.object}: ${w.message}`),
          ].join("\n"),
        );
      });
    });
  });
};

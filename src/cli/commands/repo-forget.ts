import { parseDuration } from "../../model/duration.js";
import { LifeboatError } from "../../model/errors.js";
import type { ForgetPolicy } from "../../repository/forget-policy.js";
import { forgetSnapshots, type ForgetResult } from "../../repository/forget.js";
import { prune, type PruneReport } from "../../repository/prune.js";
import type { SnapshotKind } from "../../repository/snapshot/snapshot.js";
import { commandGroup } from "../command-group.js";
import { printResult } from "../output.js";
import {
  withRepository,
  withRepositoryOptions,
  type RepositoryCliOptions,
} from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

interface ForgetOptions extends RepositoryCliOptions {
  readonly keepLast?: string;
  readonly keepHourly?: string;
  readonly keepDaily?: string;
  readonly keepWeekly?: string;
  readonly keepMonthly?: string;
  readonly keepYearly?: string;
  readonly keepWithin?: string;
  readonly keepTag?: string[];
  readonly tag?: string[];
  readonly kind?: string;
  readonly prune?: boolean;
  readonly dryRun?: boolean;
}

/** `--json` output of `repo forget` (docs/cli-json.md). */
export interface ForgetJson extends ForgetResult {
  readonly ok: true;
  readonly dryRun: boolean;
  /** The prune report with --prune, else null. */
  readonly prune: PruneReport | null;
}

const count = (flag: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new LifeboatError("LB_USAGE", `${flag} must be a non-negative integer`);
  return n;
};

export function policyOf(options: ForgetOptions): ForgetPolicy {
  const within = options.keepWithin === undefined ? undefined : parseDuration(options.keepWithin);
  if (options.keepWithin !== undefined && within === undefined) {
    throw new LifeboatError("LB_USAGE", "--keep-within takes a duration such as 7d or 12h");
  }
  const entries = {
    last: count("--keep-last", options.keepLast),
    hourly: count("--keep-hourly", options.keepHourly),
    daily: count("--keep-daily", options.keepDaily),
    weekly: count("--keep-weekly", options.keepWeekly),
    monthly: count("--keep-monthly", options.keepMonthly),
    yearly: count("--keep-yearly", options.keepYearly),
    withinMs: within,
    tags: options.keepTag,
  };
  return Object.fromEntries(
    Object.entries(entries).filter(([, v]) => v !== undefined),
  ) as ForgetPolicy;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `lifeboat repo forget --keep-*`: removes snapshots a retention policy does not keep. */
export const registerRepoForget: RegisterCommand = (program, io) => {
  withRepositoryOptions(
    commandGroup(program, "repo", "Manage the encrypted repository.")
      .command("forget")
      .description("Remove snapshots not kept by the policy (per host, source and kind).")
      .option("--keep-last <n>", "keep the n newest")
      .option("--keep-hourly <n>", "keep the newest of each of the last n hours")
      .option("--keep-daily <n>", "keep the newest of each of the last n days")
      .option("--keep-weekly <n>", "keep the newest of each of the last n weeks")
      .option("--keep-monthly <n>", "keep the newest of each of the last n months")
      .option("--keep-yearly <n>", "keep the newest of each of the last n years")
      .option("--keep-within <duration>", "keep all within this of the newest (e.g. 7d)")
      .option("--keep-tag <tag>", "keep every snapshot with this tag (repeatable)", collect)
      .option("--tag <tag>", "only consider snapshots with this tag (repeatable)", collect)
      .option("--kind <kind>", "only consider snapshots of this kind")
      .option("--prune", "run prune afterwards to free the data")
      .option("--dry-run", "show what would be removed, change nothing"),
  ).action(async (options: ForgetOptions) => {
    await runAction(io, options.json, async () => {
      const policy = policyOf(options);
      await withRepository(options, async (repo) => {
        const result = await forgetSnapshots(repo, policy, {
          dryRun: Boolean(options.dryRun),
          filter: {
            ...(options.tag ? { tags: options.tag } : {}),
            ...(options.kind ? { kind: options.kind as SnapshotKind } : {}),
          },
        });
        const pruned = options.prune && !options.dryRun ? await prune(repo) : null;
        const json: ForgetJson = {
          ok: true,
          dryRun: Boolean(options.dryRun),
          ...result,
          prune: pruned,
        };
        printResult(io, options.json, json, (r) =>
          [
            ...r.groups.map(
              (g) =>
                `${g.kind} ${g.source} (${g.host}): keep ${g.keep.length}, ` +
                `${r.dryRun ? "would remove" : "remove"} ${g.remove.length}`,
            ),
            r.dryRun ? "dry run: nothing was removed" : `removed ${r.removed.length} snapshot(s)`,
            ...(r.prune
              ? [`prune: deleted ${r.prune.deleted.length} pack(s), ${r.prune.bytesFreed} bytes`]
              : []),
          ].join("\n"),
        );
      });
    });
  });
};

import { LifeboatError } from "../../model/errors.js";
import { newCounters } from "../../repository/archiver/backup-progress.js";
import { restore, type RestoreResult } from "../../repository/restorer/restore.js";
import {
  restoreAt,
  type JournalReplay,
  type RestoreAtResult,
} from "../../protect/journal/restore-at.js";
import { printResult } from "../output.js";
import { formatBytes, startProgress } from "../progress.js";
import {
  withRepository,
  withRepositoryOptions,
  type RepositoryCliOptions,
} from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

interface RestoreOptions extends RepositoryCliOptions {
  readonly target?: string;
  readonly at?: string;
  readonly include?: string[];
  readonly source?: string;
}

/** `--json` output of `restore` (docs/cli-json.md). */
export interface RestoreJson extends RestoreResult {
  readonly ok: true;
  /** `latest --at` only: the instant the target holds (docs/protect.md, "Between points"). */
  readonly stateAt?: string;
  /** `latest --at` only: the stored journal replayed onto the image, or null. */
  readonly replay?: JournalReplay | null;
}

export function parseAt(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) {
    throw new LifeboatError("LB_USAGE", `--at ${value} is not a time`, {
      remedy: "Give an ISO-8601 time, e.g. 2026-11-22T01:00:00Z.",
    });
  }
  return at;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `lifeboat restore <id|latest> --target <path>`: writes a snapshot back, byte-identical. */
export const registerRestore: RegisterCommand = (program, io) => {
  withRepositoryOptions(
    program
      .command("restore")
      .description("Restore a snapshot to a directory, a file or a block device.")
      .argument("<snapshot>", "snapshot id, unique prefix, or latest")
      .option("--target <path>", "directory, file or block device to write (required)")
      .option("--at <time>", "with latest: the state at this time (newest snapshot, then journal)")
      .option("--source <id>", "with latest: only snapshots of this source (a volume id)")
      .option("--include <glob>", "restore only matching paths (repeatable)", collect),
  ).action(async (snapshot: string, options: RestoreOptions) => {
    await runAction(io, options.json, async () => {
      if (!options.target) throw new LifeboatError("LB_USAGE", "restore needs --target <path>");
      const target = options.target;
      await withRepository(options, async (repo) => {
        const counters = newCounters();
        const progress = startProgress(io, options.json, "restore", counters);
        const at = options.at ? parseAt(options.at) : undefined;
        const source = options.source === undefined ? {} : { source: options.source };
        let result: RestoreResult | RestoreAtResult;
        try {
          result =
            at !== undefined && snapshot === "latest" && !options.include?.length
              ? await restoreAt(repo, { at, target, counters, ...source })
              : await restore(repo, {
                  snapshot,
                  target,
                  counters,
                  ...(at ? { at } : {}),
                  ...(options.source === undefined ? {} : { filter: source }),
                  ...(options.include?.length ? { include: options.include } : {}),
                });
        } finally {
          progress.stop();
        }
        const json: RestoreJson = { ok: true, ...result };
        printResult(
          io,
          options.json,
          json,
          (r) =>
            `restored ${r.kind} snapshot ${r.snapshot} to ${r.target} ` +
            `(${formatBytes(r.bytesWritten)}, ${r.files} files)` +
            (r.replay
              ? `, then ${r.replay.records} journaled writes up to ${r.stateAt}`
              : r.stateAt
                ? `, state as of ${r.stateAt}`
                : ""),
        );
      });
    });
  });
};

import { LifeboatError } from "../../model/errors.js";
import { newCounters } from "../../repository/archiver/backup-progress.js";
import type { BackupKind, BackupResult } from "../../repository/archiver/backup.js";
import type { ChangedRange } from "../../repository/archiver/image-backup.js";
import { printResult } from "../output.js";
import { formatBytes, startProgress } from "../progress.js";
import {
  withRepository,
  withRepositoryOptions,
  type RepositoryCliOptions,
} from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

interface BackupOptions extends RepositoryCliOptions {
  readonly stdinName?: string;
  readonly tag?: string[];
  readonly kind?: string;
  readonly parent?: string;
  readonly changedRanges?: string;
}

/** `--json` output of `backup` (docs/cli-json.md). */
export interface BackupJson extends BackupResult {
  readonly ok: true;
}

const kinds = ["file", "tree", "image", "stream"] as const;
function kindOf(value: string | undefined): BackupKind | undefined {
  if (value === undefined) return undefined;
  if (!(kinds as readonly string[]).includes(value)) {
    throw new LifeboatError("LB_USAGE", `--kind must be one of ${kinds.join(", ")}`);
  }
  return value as BackupKind;
}

async function run(io: Parameters<RegisterCommand>[1], source: string, options: BackupOptions) {
  const kind = kindOf(options.kind);
  if (source === "-" && !options.stdinName) {
    throw new LifeboatError("LB_USAGE", "backing up stdin (`-`) needs --stdin-name <name>");
  }
  // Loaded while the key is derived (withRepository's preload): the backup engine, and the
  // range list (its parser needs zod, which would otherwise delay the derivation's start).
  const engine = () => import("../../repository/archiver/backup.js");
  const file = options.changedRanges;
  let ranges: Promise<ChangedRange[] | undefined> = Promise.resolve(undefined);
  const preload = () => {
    if (file !== undefined) {
      ranges = import("../changed-ranges.js").then((m) => m.readChangedRanges(file));
    }
    return Promise.all([engine(), ranges]);
  };
  await withRepository(
    options,
    async (repo) => {
      const [{ backup }, changedRanges] = await Promise.all([engine(), ranges]);
      const counters = newCounters();
      const progress = startProgress(io, options.json, "backup", counters);
      let result: BackupResult;
      try {
        result = await backup(
          repo,
          {
            source,
            ...(kind ? { kind } : {}),
            ...(options.stdinName ? { stdinName: options.stdinName } : {}),
            ...(options.tag?.length ? { tags: options.tag } : {}),
            ...(options.parent ? { parent: options.parent } : {}),
            ...(changedRanges ? { changedRanges } : {}),
          },
          { counters },
        );
      } finally {
        progress.stop();
      }
      const json: BackupJson = { ok: true, ...result };
      printResult(io, options.json, json, (r) =>
        [
          `snapshot ${r.snapshot} saved (${r.kind} ${r.source})`,
          `  read ${formatBytes(r.bytesRead)} of ${formatBytes(r.size)}, ${r.files} files`,
          `  uploaded ${formatBytes(r.bytesUploaded)} in ${r.packsWritten} packs` +
            ` (${r.blobsStored} new blobs, ${r.blobsReused} already stored)`,
        ].join("\n"),
      );
    },
    {},
    preload,
  );
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `lifeboat backup <path|device|image|->`: one snapshot of a directory, file, image or stdin. */
export const registerBackup: RegisterCommand = (program, io) => {
  withRepositoryOptions(
    program
      .command("backup")
      .description("Back up a directory, file, disk image, block device, or stdin (-).")
      .argument("<source>", "path, device, image file, or - for stdin")
      .option("--stdin-name <name>", "name to store stdin under (required with -)")
      .option("--tag <tag>", "tag the snapshot (repeatable)", collect)
      .option("--kind <kind>", "file | tree | image | stream (default: detected)")
      .option("--parent <snapshot>", "parent snapshot (default: latest of the same source)")
      .option(
        "--changed-ranges <file>",
        "image: back up only the chunks these byte ranges touch (relative to the parent)",
      ),
  ).action(async (source: string, options: BackupOptions) => {
    await runAction(io, options.json, () => run(io, source, options));
  });
};

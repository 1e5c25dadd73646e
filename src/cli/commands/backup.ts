import { readFile } from "node:fs/promises";
import { z } from "zod";
import { LifeboatError } from "../../model/errors.js";
import { newCounters } from "../../repository/archiver/backup-progress.js";
import { backup, type BackupKind, type BackupResult } from "../../repository/archiver/backup.js";
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
const rangeSchema = z.union([
  z.object({ offset: z.number().int().min(0), length: z.number().int().min(0) }),
  z.tuple([z.number().int().min(0), z.number().int().min(0)]),
]);

/**
 * Reads a changed-range list: a JSON array of `{offset, length}` or `[offset, length]`, or
 * text with one `offset length` pair per line (`#` comments allowed).
 */
export async function readChangedRanges(file: string): Promise<ChangedRange[]> {
  const text = await readFile(file, "utf8").catch((error: unknown) => {
    throw new LifeboatError("LB_INVALID_INPUT", `cannot read --changed-ranges ${file}`, {
      cause: error,
    });
  });
  const bad = (why: string) =>
    new LifeboatError("LB_INVALID_INPUT", `--changed-ranges ${file}: ${why}`, {
      remedy: 'Give a JSON array of {"offset": n, "length": n}, or lines "offset length".',
    });
  if (text.trimStart().startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw bad("not valid JSON");
    }
    const result = z.array(rangeSchema).safeParse(parsed);
    if (!result.success) throw bad(result.error.issues[0]?.message ?? "invalid");
    return result.data.map((r) =>
      Array.isArray(r) ? { offset: r[0], length: r[1] } : { offset: r.offset, length: r.length },
    );
  }
  const ranges: ChangedRange[] = [];
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") continue;
    const match = /^(\d+)[\s,]+(\d+)$/.exec(line);
    if (!match) throw bad(`line ${i + 1} is not "offset length"`);
    ranges.push({ offset: Number(match[1]), length: Number(match[2]) });
  }
  return ranges;
}

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
  const changedRanges =
    options.changedRanges === undefined
      ? undefined
      : await readChangedRanges(options.changedRanges);
  await withRepository(options, async (repo) => {
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
  });
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

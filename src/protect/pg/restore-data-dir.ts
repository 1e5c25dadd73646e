import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chown, mkdir, readdir, stat, writeFile, appendFile, open } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { LifeboatError } from "../../model/errors.js";
import { mapLimit } from "../../repository/map-limit.js";
import type { Repository } from "../../repository/repository.js";
import { BlobReader } from "../../repository/restorer/blob-reader.js";
import type { TransferCounters } from "../../repository/archiver/api.js";
import { chooseRestore, type RestoreChoice } from "./choose-restore.js";
import { pgCatalog, type WalEntry } from "./pg-catalog.js";
import { snapshotBytes } from "./snapshot-bytes.js";

/** The folder inside the restored data directory that holds the staged WAL. */
export const stagedWalDir = "lifeboat_restore_wal";

export interface RestoreDataDirRequest {
  readonly environment: string;
  readonly database: string;
  /** Recover to this instant (commits at or before it); undefined: to the end of the archive. */
  readonly at?: Date;
  /** Microseconds past `at`'s millisecond (0–999): PostgreSQL keeps commit times in µs. */
  readonly atMicros?: number;
  readonly target: string;
  readonly counters?: TransferCounters;
}

export interface RestoredDataDir {
  readonly target: string;
  readonly baseSnapshot: string;
  readonly baseFinishedAt: string;
  readonly segments: number;
  readonly firstSegment: string | null;
  readonly lastSegment: string | null;
  readonly coveredUntil: string | null;
  /** The recovery target as PostgreSQL got it (`2026-11-22 03:11:30.822121+00`), or null. */
  readonly at: string | null;
  readonly bytesWritten: number;
}

/**
 * Builds a PostgreSQL data directory that recovers to `at` when started: extracts the newest
 * base backup finished at or before `at` (streamed from the repository into `tar -x`), stages
 * every archived WAL file it needs under {@link stagedWalDir} (each checked against the
 * SHA-256 recorded when it was archived), and writes `recovery.signal` plus the recovery
 * settings into `postgresql.auto.conf`. Archiving is switched off in the copy, so a drill
 * never writes into the production WAL chain. The target must be new or empty.
 */
export async function restoreDataDir(
  repo: Repository,
  request: RestoreDataDirRequest,
): Promise<RestoredDataDir> {
  const target = resolve(request.target);
  const choice = chooseRestore(
    await pgCatalog(repo, request.environment, request.database),
    request.at,
  );
  await prepareTarget(target);
  const reader = await BlobReader.open(repo);
  const counters = request.counters;
  if (counters) {
    counters.bytesTotal =
      choice.base.snapshot.size + choice.segments.reduce((n, s) => n + s.fields.size, 0);
  }
  let bytesWritten = await extractTar(reader, choice, target, counters);
  const staged = join(target, stagedWalDir);
  await mkdir(staged, { mode: 0o700 });
  const files = [...choice.histories, ...choice.segments];
  const sizes = await mapLimit(files, 4, (entry) => stageWal(reader, entry, staged, counters));
  bytesWritten += sizes.reduce((a, b) => a + b, 0);
  await writeRecoverySettings(target, staged, request.at && pgTime(request.at, request.atMicros));
  await matchOwner(target);
  return {
    target,
    baseSnapshot: choice.base.snapshot.id,
    baseFinishedAt: choice.base.fields.finishedAt,
    segments: choice.segments.length,
    firstSegment: choice.segments[0]?.fields.file ?? null,
    lastSegment: choice.segments.at(-1)?.fields.file ?? null,
    coveredUntil: choice.coveredUntil?.toISOString() ?? null,
    at: request.at ? pgTime(request.at, request.atMicros) : null,
    bytesWritten,
  };
}

async function prepareTarget(target: string): Promise<void> {
  const existing = await readdir(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw new LifeboatError("LB_INVALID_INPUT", `cannot use ${target}`, { cause: error });
  });
  if (existing !== undefined && existing.length > 0) {
    throw new LifeboatError("LB_PG_TARGET_NOT_EMPTY", `${target} is not empty`, {
      details: { target },
    });
  }
  await mkdir(target, { recursive: true, mode: 0o700 });
}

async function extractTar(
  reader: BlobReader,
  choice: RestoreChoice,
  target: string,
  counters: TransferCounters | undefined,
): Promise<number> {
  const tar = spawn("tar", ["-x", "-f", "-", "-C", target], { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  tar.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<number | null>((ok, fail) => {
    tar.once("error", fail);
    tar.once("close", ok);
  });
  let bytes = 0;
  async function* counted() {
    for await (const data of snapshotBytes(reader, choice.base.snapshot)) {
      bytes += data.length;
      if (counters) counters.bytesDone += data.length;
      yield data;
    }
  }
  try {
    await pipeline(Readable.from(counted()), tar.stdin);
  } catch (error) {
    tar.kill();
    await exited.catch(() => undefined);
    if (error instanceof LifeboatError) throw error;
    throw new LifeboatError("LB_INVALID_INPUT", `tar could not extract into ${target}: ${stderr}`, {
      cause: error,
    });
  }
  const code = await exited;
  if (code !== 0) {
    throw new LifeboatError(
      "LB_INVALID_INPUT",
      `tar exited ${code} extracting into ${target}: ${stderr}`,
    );
  }
  return bytes;
}

async function stageWal(
  reader: BlobReader,
  entry: WalEntry,
  dir: string,
  counters: TransferCounters | undefined,
): Promise<number> {
  const hash = createHash("sha256");
  const file = await open(join(dir, entry.fields.file), "wx", 0o600);
  let size = 0;
  try {
    for await (const data of snapshotBytes(reader, entry.snapshot)) {
      hash.update(data);
      await file.write(data);
      size += data.length;
      if (counters) counters.bytesDone += data.length;
    }
  } finally {
    await file.close();
  }
  const digest = hash.digest("hex");
  if (digest !== entry.fields.sha256 || size !== entry.fields.size) {
    throw new LifeboatError(
      "LB_PG_WAL_CORRUPT",
      `${entry.fields.file} (snapshot ${entry.snapshot.id}) does not match its archived checksum`,
      { details: { file: entry.fields.file, snapshot: entry.snapshot.id } },
    );
  }
  return size;
}

/** PostgreSQL quoting for a configuration string value. */
const quoted = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

/** `2026-11-22 03:11:30.822121+00`: a timestamptz PostgreSQL parses, to the microsecond. */
export function pgTime(at: Date, micros = 0): string {
  const iso = at.toISOString(); // 2026-11-22T03:11:30.822Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(micros).padStart(3, "0")}+00`;
}

async function writeRecoverySettings(target: string, staged: string, at: string | undefined) {
  // %f and %p stay for PostgreSQL to substitute; the staged path is shell-quoted.
  const restoreCommand = `cp '${staged.replace(/'/g, `'\\''`)}/%f' "%p"`;
  const lines = [
    "",
    "# Written by `lifeboat pg restore` (docs/pg-protection.md).",
    `restore_command = ${quoted(restoreCommand)}`,
    ...(at === undefined ? [] : [`recovery_target_time = ${quoted(at)}`]),
    "recovery_target_action = 'promote'",
    "recovery_target_timeline = 'current'",
    "archive_mode = 'off'",
    "",
  ];
  await appendFile(join(target, "postgresql.auto.conf"), lines.join("\n"));
  await writeFile(join(target, "recovery.signal"), "");
}

/** When root extracted the files, give the directory itself to the owner tar restored. */
async function matchOwner(target: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const owner = await stat(join(target, "PG_VERSION")).catch(() => undefined);
  if (owner === undefined) return;
  for (const path of [target, join(target, stagedWalDir)]) {
    await chown(path, owner.uid, owner.gid);
  }
  for (const name of await readdir(join(target, stagedWalDir))) {
    await chown(join(target, stagedWalDir, name), owner.uid, owner.gid);
  }
  for (const name of ["postgresql.auto.conf", "recovery.signal"]) {
    await chown(join(target, name), owner.uid, owner.gid);
  }
}

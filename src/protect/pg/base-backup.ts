import { spawn } from "node:child_process";
import { Readable } from "node:stream";
import { LifeboatError } from "../../model/errors.js";
import { backup, type ArchiveOptions } from "../../repository/archiver/api.js";
import type { Repository } from "../../repository/repository.js";
import { TarLabelPeek } from "./backup-label.js";
import { baseBackupTag, baseSource, type BaseBackupFields } from "./pg-catalog.js";
import { postgresBin } from "./pg-binaries.js";

export interface BaseBackupRequest {
  readonly environment: string;
  readonly database: string;
  /** libpq URL of a role with REPLICATION. */
  readonly url: string;
  readonly bin?: string;
  readonly now?: () => Date;
}

export interface BaseBackupResult extends BaseBackupFields {
  readonly snapshot: string;
  readonly size: number;
  readonly bytesUploaded: number;
  readonly blobsReused: number;
}

/**
 * Takes a base backup with `pg_basebackup -D - -Ft -X fetch` and streams its tar straight into
 * the repository (no local copy). `-X fetch` puts the WAL from the backup's start to its end
 * into the tar, so each base backup is consistent on its own; later WAL comes from archiving.
 * The snapshot is committed only if pg_basebackup exits 0: a failure mid-stream aborts the
 * write, leaving packs that the next backup adopts.
 */
export async function takeBaseBackup(
  repo: Repository,
  request: BaseBackupRequest,
  options: ArchiveOptions = {},
): Promise<BaseBackupResult> {
  const now = request.now ?? (() => new Date());
  const program = postgresBin("pg_basebackup", request.bin);
  const startedAt = now();
  const child = spawn(
    program,
    ["-d", request.url, "-D", "-", "-F", "tar", "-X", "fetch", "-c", "fast", "--no-password"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
  const failed = (why: string, cause?: unknown) =>
    new LifeboatError("LB_PG_BASEBACKUP_FAILED", `pg_basebackup ${why}: ${stderr.trim()}`, {
      ...(cause === undefined ? {} : { cause }),
      details: { database: request.database },
    });
  const peek = new TarLabelPeek();
  // The stream ends only after pg_basebackup has exited 0, so a failed backup never commits.
  async function* checked(): AsyncGenerator<Uint8Array> {
    yield* peek.pass(child.stdout);
    const code = await exited.catch((error: unknown) => {
      throw failed("could not run", error);
    });
    if (code !== 0) throw failed(`exited with code ${code}`);
  }
  // Filled in when the stream ends, before the commit serialises the snapshot's fields.
  const fields: BaseBackupFields = {
    environment: request.environment,
    database: request.database,
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
  };
  const pg: Record<string, unknown> = { ...fields };
  try {
    const result = await backup(
      repo,
      {
        source: "-",
        kind: "stream",
        stdin: Readable.from(
          finish(checked(), () => {
            Object.assign(pg, { finishedAt: now().toISOString(), ...labelFields(peek) });
          }),
        ),
        stdinName: baseSource(request.environment, request.database),
        tags: [baseBackupTag],
        fields: { pg },
        time: startedAt,
      },
      options,
    );
    return {
      ...(pg as BaseBackupFields),
      snapshot: result.snapshot,
      size: result.size,
      bytesUploaded: result.bytesUploaded,
      blobsReused: result.blobsReused,
    };
  } finally {
    if (child.exitCode === null) child.kill("SIGTERM");
  }
}

function labelFields(peek: TarLabelPeek): Partial<BaseBackupFields> {
  const label = peek.label;
  if (label === undefined) return {};
  return { startWalFile: label.startWalFile, startLsn: label.startLsn, timeline: label.timeline };
}

async function* finish<T>(source: AsyncIterable<T>, done: () => void): AsyncGenerator<T> {
  yield* source;
  done();
}

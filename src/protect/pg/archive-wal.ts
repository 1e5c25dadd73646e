import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { LifeboatError } from "../../model/errors.js";
import { chunkStream } from "../../repository/chunker/chunk-stream.js";
import { FastCdcChunker } from "../../repository/chunker/fastcdc-chunker.js";
import { BlobType } from "../../repository/pack/pack-entry.js";
import type { Repository } from "../../repository/repository.js";
import { walSource, walTag, type WalFields } from "./pg-catalog.js";
import { parseWalName } from "./wal-names.js";

export interface ArchiveWalRequest {
  readonly environment: string;
  readonly database: string;
  /** `%p`: the file's path, relative to the data directory PostgreSQL runs the command in. */
  readonly path: string;
  /** `%f`: the archive file name. */
  readonly name: string;
  readonly now?: () => Date;
}

export interface ArchivedWal extends WalFields {
  readonly snapshot: string;
  readonly bytesUploaded: number;
}

/**
 * Stores one WAL file PostgreSQL hands to `archive_command` as its own snapshot. It resolves
 * only after the snapshot object (the repository's commit point, written after its packs and
 * index) is durably saved; any failure throws, the command exits non-zero and PostgreSQL keeps
 * the file and retries it. Archiving the same file twice stores a second snapshot whose
 * content deduplicates against the first; restore uses the newest.
 *
 * Deliberately lean (one thread, no worker pool, no parent lookup): PostgreSQL starts the
 * command once per 16 MiB segment, so start-up cost bounds the WAL rate it can follow.
 */
export async function archiveWal(
  repo: Repository,
  request: ArchiveWalRequest,
): Promise<ArchivedWal> {
  const now = request.now ?? (() => new Date());
  const name = parseWalName(request.name);
  if (name === undefined) {
    throw new LifeboatError("LB_INVALID_INPUT", `${request.name} is not a WAL archive file name`, {
      remedy: "Use archive_command = 'lifeboat pg archive-wal %p %f' (both placeholders).",
    });
  }
  const info = await stat(request.path).catch((error: unknown) => {
    throw new LifeboatError("LB_PG_WAL_ARCHIVE_FAILED", `cannot read ${request.path}`, {
      cause: error,
      details: { path: request.path },
    });
  });
  const session = await repo.startWrite(`pg archive-wal ${request.name}`);
  try {
    const hash = createHash("sha256");
    const chunker = new FastCdcChunker(Buffer.from(repo.config.chunkerKey, "hex"));
    const content: string[] = [];
    let size = 0;
    for await (const chunk of chunkStream(createReadStream(request.path), chunker)) {
      hash.update(chunk.data);
      size += chunk.data.length;
      content.push((await session.saveBlob(BlobType.data, chunk.data)).id.toString("hex"));
    }
    if (size !== info.size) {
      throw new LifeboatError(
        "LB_PG_WAL_ARCHIVE_FAILED",
        `${request.path} changed size while it was read (${info.size} → ${size} bytes)`,
      );
    }
    const source = walSource(request.environment, request.database, request.name);
    const root = await session.saveTree([{ name: request.name, type: "file", size, content }]);
    const fields: Omit<WalFields, "archivedAt"> = {
      environment: request.environment,
      database: request.database,
      file: request.name,
      size,
      sha256: hash.digest("hex"),
      closedAt: info.mtime.toISOString(),
    };
    const archivedAt = now();
    const snapshot = await session.commit({
      kind: "stream",
      source,
      root,
      size,
      tags: [walTag],
      fields: { pg: { ...fields, archivedAt: archivedAt.toISOString() } },
      time: info.mtime,
    });
    const stats = session.stats;
    return {
      ...fields,
      archivedAt: now().toISOString(),
      snapshot,
      bytesUploaded: stats.bytesStored,
    };
  } catch (error) {
    await session.abort().catch(() => undefined);
    if (error instanceof LifeboatError) throw error;
    throw new LifeboatError("LB_PG_WAL_ARCHIVE_FAILED", `could not archive ${request.path}`, {
      cause: error,
      details: { path: request.path },
    });
  }
}

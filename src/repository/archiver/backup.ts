import { lstat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { Readable } from "node:stream";
import { LifeboatError } from "../../model/errors.js";
import { DEFAULT_FIXED_CHUNK_SIZE } from "../chunker/fixed-chunker.js";
import { FastCdcChunker } from "../chunker/fastcdc-chunker.js";
import type { Repository } from "../repository.js";
import { filterSnapshots } from "../snapshot/select-snapshot.js";
import type { SnapshotKind, StoredSnapshot } from "../snapshot/snapshot.js";
import type { BlobIndex } from "../index/blob-index.js";
import { resolveSnapshot } from "../restorer/resolve-snapshot.js";
import { BlobReader } from "../restorer/blob-reader.js";
import { withArchive, type ArchiveOptions } from "./archive-context.js";
import { FileTreeArchiver } from "./file-tree-backup.js";
import { archiveImage, type ChangedRange, type ImageSource } from "./image-backup.js";
import { layoutOfNode, layoutToNode, type ImageLayout } from "./image-layout.js";
import { nodeMetadata } from "./node-metadata.js";
import { scanSize } from "./scan-size.js";
import { queueStream } from "./store-stream.js";

export type BackupKind = Extract<SnapshotKind, "file" | "tree" | "image" | "stream">;

export interface BackupRequest {
  /** A directory, file, image, block device, or `-` for `stdin`. */
  readonly source: string;
  /** Detected when absent: `-` → stream, directory → tree, block device → image, else file. */
  readonly kind?: BackupKind;
  /** For `-`: the stream to read and the name it is stored under (required). */
  readonly stdin?: Readable;
  readonly stdinName?: string;
  readonly tags?: readonly string[];
  /** Parent snapshot ref (id, prefix, `latest`); default: the latest of the same source. */
  readonly parent?: string;
  /** Image only: back up just the chunks these ranges touch, relative to the parent. */
  readonly changedRanges?: readonly ChangedRange[];
  /**
   * Image only: read the image from this view instead of opening `source`, which is then a
   * logical name (a volume id) stored as is.
   */
  readonly image?: ImageSource;
  readonly chunkSize?: number;
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly time?: Date;
  readonly host?: string;
}

export interface BackupResult {
  readonly snapshot: string;
  readonly kind: BackupKind;
  readonly source: string;
  readonly parent: string | null;
  /** Logical bytes of the source. */
  readonly size: number;
  /** Bytes read from the source (less than size with changed ranges). */
  readonly bytesRead: number;
  readonly files: number;
  readonly blobsStored: number;
  readonly blobsReused: number;
  /** Sealed bytes put into new packs. */
  readonly bytesUploaded: number;
  readonly packsWritten: number;
}

async function detectKind(request: BackupRequest): Promise<BackupKind> {
  if (request.source === "-") return "stream";
  if (request.kind !== undefined) return request.kind;
  if (request.changedRanges !== undefined || request.image !== undefined) return "image";
  const st = await lstat(request.source).catch((error: unknown) => {
    throw new LifeboatError("LB_INVALID_INPUT", `cannot read ${request.source}`, {
      cause: error,
      details: { path: request.source },
    });
  });
  return st.isDirectory() ? "tree" : st.isBlockDevice() ? "image" : "file";
}

async function findParent(
  repo: Repository,
  kind: BackupKind,
  source: string,
  ref: string | undefined,
): Promise<StoredSnapshot | undefined> {
  if (ref !== undefined) return resolveSnapshot(repo, ref);
  return filterSnapshots(await repo.listSnapshots(), { kind, source }).at(-1);
}

async function parentLayout(
  repo: Repository,
  parent: StoredSnapshot,
  index: BlobIndex,
): Promise<ImageLayout> {
  const reader = new BlobReader(repo, index);
  const [node] = await reader.tree(parent.root);
  if (node === undefined || parent.kind !== "image") {
    throw new LifeboatError("LB_INVALID_INPUT", `snapshot ${parent.id} is not an image`);
  }
  return layoutOfNode(node, `snapshot ${parent.id}`);
}

/**
 * Backs up one source into a new snapshot (docs/backup-restore.md). Write order packs → index
 * → snapshot; a crash or error leaves a valid repository whose uploaded packs the next run
 * adopts. Several backups may run at once against one repository.
 */
export async function backup(
  repo: Repository,
  request: BackupRequest,
  options: ArchiveOptions = {},
): Promise<BackupResult> {
  const kind = await detectKind(request);
  if (kind === "stream" && !request.stdinName) {
    throw new LifeboatError("LB_USAGE", "a backup of stdin needs a name (--stdin-name)");
  }
  // An image view's source is a logical name (a volume id), not a path to resolve.
  const source =
    kind === "stream"
      ? request.stdinName!
      : request.image
        ? request.source
        : resolve(request.source);
  const parent = await findParent(repo, kind, source, request.parent);
  if (request.changedRanges !== undefined && (kind !== "image" || parent === undefined)) {
    throw new LifeboatError(
      "LB_INVALID_INPUT",
      "--changed-ranges needs an image backup and a parent image snapshot of the same source",
      { remedy: "Run a full image backup first, or name the parent with --parent." },
    );
  }
  return withArchive(repo, `backup ${source}`, options, async (ctx) => {
    let root: Buffer;
    let size: number;
    const fields: Record<string, unknown> = { ...request.fields };
    if (kind === "tree") {
      const scan = new AbortController();
      void scanSize(source, scan.signal)
        .then((total) => {
          if (!scan.signal.aborted) ctx.counters.bytesTotal ??= total;
        })
        .catch(() => undefined);
      try {
        root = await new FileTreeArchiver(ctx).directory(source);
      } finally {
        scan.abort();
      }
      size = ctx.counters.bytesDone;
      const { mode, uid, gid, mtime } = nodeMetadata(".", await lstat(source, { bigint: true }));
      fields.rootMeta = { mode, uid, gid, mtime };
    } else if (kind === "file") {
      const pending = await new FileTreeArchiver(ctx).file(source, basename(source));
      const node = await pending.node;
      size = node.size ?? 0;
      root = await ctx.session.saveTree([node]);
    } else if (kind === "image") {
      // The parent's tree is read through the index the session loaded under its lock.
      const layout =
        request.changedRanges !== undefined && parent
          ? await parentLayout(repo, parent, ctx.session.index)
          : undefined;
      const st = request.image ? undefined : await lstat(source, { bigint: true });
      const image = await archiveImage(ctx, request.image ?? source, {
        chunkSize: request.chunkSize ?? layout?.chunkSize ?? DEFAULT_FIXED_CHUNK_SIZE,
        ...(layout ? { parent: layout } : {}),
        ...(request.changedRanges ? { changed: request.changedRanges } : {}),
      });
      size = image.size;
      const name = basename(source) || "image";
      const meta = { ...(st ? nodeMetadata(name, st) : { name }), type: "file" as const };
      root = await ctx.session.saveTree([{ ...meta, ...layoutToNode(image) }]);
    } else {
      const stream = request.stdin ?? process.stdin;
      const counted = countBytes(stream, ctx.counters);
      const chunker = new FastCdcChunker(Buffer.from(repo.config.chunkerKey, "hex"));
      const content = await Promise.all(await queueStream(ctx, counted, chunker));
      size = ctx.counters.bytesDone;
      root = await ctx.session.saveTree([{ name: source, type: "file", size, content }]);
    }
    await ctx.pipeline.drain();
    const snapshot = await ctx.session.commit({
      kind,
      source,
      root,
      size,
      ...(request.tags ? { tags: request.tags } : {}),
      ...(parent ? { parent: parent.id } : {}),
      fields,
      ...(request.time ? { time: request.time } : {}),
      ...(request.host ? { host: request.host } : {}),
    });
    const stats = ctx.session.stats;
    return {
      snapshot,
      kind,
      source,
      parent: parent?.id ?? null,
      size,
      bytesRead: ctx.counters.bytesDone,
      files: ctx.counters.filesDone,
      blobsStored: stats.blobsStored,
      blobsReused: stats.blobsReused,
      bytesUploaded: stats.bytesStored,
      packsWritten: stats.packsWritten,
    };
  });
}

async function* countBytes(
  stream: AsyncIterable<unknown>,
  counters: { bytesDone: number },
): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) {
    const data = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Uint8Array);
    counters.bytesDone += data.length;
    yield data;
  }
}

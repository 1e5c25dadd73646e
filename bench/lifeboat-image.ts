/**
 * A benchmark-only image backup over the repository API, until the real backup pipeline
 * exists: 1 MiB fixed chunks stored through a WriteSession, one tree node per image. It runs
 * the CPU work (chunk id, zstd, AES-GCM) on the main thread and overlaps pack uploads; there is
 * no worker pool yet, so it uses one core for the CPU part. The `backup` with a changed-range
 * list reads only the chunks those ranges touch and reuses every other chunk id of the parent
 * snapshot: cost proportional to the change.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { basename } from "node:path";
import { Secret } from "../src/model/secret.js";
import { FsBackend } from "../src/repository/backends/fs-backend.js";
import { limitBackend } from "../src/repository/backends/limit-backend.js";
import { retryBackend } from "../src/repository/backends/retry-backend.js";
import {
  DEFAULT_FIXED_CHUNK_SIZE,
  fixedChunksTouched,
} from "../src/repository/chunker/fixed-chunker.js";
import { BlobType } from "../src/repository/pack/pack-entry.js";
import { Repository } from "../src/repository/repository.js";
import { decodeTree, type TreeNode } from "../src/repository/tree.js";
import type { ByteRange } from "./image-generator.js";

const password = new Secret("lifeboat-bench-password");
/** Fixed scrypt cost, so that init does not spend time calibrating. */
const kdf = { N: 2 ** 15, r: 8, p: 1 };
const IN_FLIGHT = 8;

/**
 * What `backendFromUrl` builds for a file: URL (retry, 2 connections like restic's local
 * backend), without importing the S3 adapter and the AWS SDK this process never uses.
 */
const openBackend = (path: string) => limitBackend(retryBackend(new FsBackend(path)), 2);
const started = performance.now();
/** Phase timings on stderr with LIFEBOAT_BENCH_TRACE=1, to see where fixed costs go. */
const trace = (what: string) => {
  if (process.env.LIFEBOAT_BENCH_TRACE === "1") {
    console.error(`${((performance.now() - started) / 1000).toFixed(3)} s ${what}`);
  }
};

export async function initRepo(repoPath: string): Promise<void> {
  const repo = await Repository.init(openBackend(repoPath), password, { kdf });
  await repo.close();
}

async function latestImageNode(repo: Repository): Promise<{ id: string; node: TreeNode } | null> {
  const snapshots = await repo.listSnapshots();
  const latest = snapshots.sort((a, b) => (a.time < b.time ? 1 : -1))[0];
  if (latest === undefined) return null;
  const index = (await repo.loadIndex()).index;
  const rootId = Buffer.from(latest.root, "hex");
  const location = index.get(rootId);
  if (location === undefined) throw new Error(`tree ${latest.root} is not indexed`);
  const [node] = decodeTree(await repo.readBlob(rootId, location), "root tree");
  if (node === undefined) throw new Error("empty root tree");
  return { id: latest.id, node };
}

/** Runs `work(i)` for i in [0, count) with at most `limit` promises pending. */
async function pool(
  count: number,
  limit: number,
  work: (i: number, lane: number) => Promise<void>,
) {
  let next = 0;
  const run = async (lane: number) => {
    while (next < count) await work(next++, lane);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, (_, lane) => run(lane)));
}

/**
 * Backs up `image`. With `changed`, the chunks outside the changed ranges are taken from the
 * latest snapshot without reading them.
 */
export async function backupImage(
  repoPath: string,
  image: string,
  size: number,
  changed?: readonly ByteRange[],
): Promise<string> {
  trace("modules loaded");
  const repo = await Repository.open(openBackend(repoPath), password);
  trace("repository opened");
  const chunkSize = DEFAULT_FIXED_CHUNK_SIZE;
  const count = Math.ceil(size / chunkSize);
  const parent = changed === undefined ? null : await latestImageNode(repo);
  let ids: string[] = new Array<string>(count).fill("");
  let todo = Array.from({ length: count }, (_, i) => i);
  if (parent !== null && changed !== undefined && parent.node.content?.length === count) {
    ids = [...parent.node.content];
    const touched = new Set<number>();
    for (const range of changed) {
      const span = fixedChunksTouched(range.offset, range.length, chunkSize);
      if (span === null) continue;
      for (let i = span.first; i <= span.last; i++) touched.add(i);
    }
    todo = [...touched].sort((a, b) => a - b);
  }
  trace(`parent read; ${todo.length} of ${count} chunks to read`);
  const session = await repo.startWrite("backup");
  trace("write session started");
  const fd = openSync(image, "r");
  try {
    // One buffer per lane: saveBlob has sealed the chunk before it resolves.
    const buffers = Array.from({ length: IN_FLIGHT }, () => Buffer.allocUnsafe(chunkSize));
    await pool(todo.length, IN_FLIGHT, async (k, lane) => {
      const i = todo[k]!;
      const length = Math.min(chunkSize, size - i * chunkSize);
      const chunk = buffers[lane]!.subarray(0, length);
      readSync(fd, chunk, 0, length, i * chunkSize);
      ids[i] = (await session.saveBlob(BlobType.data, chunk)).id.toString("hex");
    });
    trace("chunks stored");
    const root = await session.saveTree([
      { name: basename(image), type: "file", size, chunkSize, content: ids },
    ]);
    const id = await session.commit({
      kind: "image",
      source: image,
      root,
      size,
      ...(parent === null ? {} : { parent: parent.id }),
    });
    trace("committed");
    return id;
  } catch (error) {
    await session.abort();
    throw error;
  } finally {
    closeSync(fd);
    await repo.close();
  }
}

/** Restores the latest image snapshot to `file`; reads blobs a few at a time. */
export async function restoreLatest(repoPath: string, file: string): Promise<void> {
  const repo = await Repository.open(openBackend(repoPath), password);
  try {
    const latest = await latestImageNode(repo);
    if (latest === null) throw new Error("no snapshot");
    const { content = [], chunkSize = DEFAULT_FIXED_CHUNK_SIZE } = latest.node;
    const index = (await repo.loadIndex()).index;
    const fd = openSync(file, "w");
    try {
      await pool(content.length, IN_FLIGHT, async (i) => {
        const id = Buffer.from(content[i]!, "hex");
        const location = index.get(id);
        if (location === undefined) throw new Error(`blob ${content[i]} is not indexed`);
        const data = await repo.readBlob(id, location);
        writeSync(fd, data, 0, data.length, i * chunkSize);
      });
    } finally {
      closeSync(fd);
    }
  } finally {
    await repo.close();
  }
}

import { lstat, open, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { LifeboatError } from "../../model/errors.js";
import { FastCdcChunker } from "../chunker/fastcdc-chunker.js";
import type { TreeNode } from "../tree.js";
import type { ArchiveContext } from "./archive-context.js";
import { looksSparse, nodeMetadata } from "./node-metadata.js";
import { readFileData } from "./read-file-data.js";
import { queueStream } from "./store-stream.js";

/** A node whose content ids may still be settling (wrapped: a bare promise would flatten). */
export interface Pending {
  readonly node: Promise<TreeNode>;
}

const done = (node: TreeNode): Pending => ({ node: Promise.resolve(node) });

/** An unreadable source entry is the user's to fix (permissions), not a bug: name it. */
async function readable<T>(path: string, operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new LifeboatError("LB_INVALID_INPUT", `cannot read ${path} (${code})`, {
      cause: error,
      details: { path },
      remedy: "Fix the permissions of the path named, or back up as a user who can read it.",
    });
  }
}

/** The failure surfaces through the pipeline's drain; never as an unhandled rejection. */
function settle(node: Promise<TreeNode>): Pending {
  node.catch(() => undefined);
  return { node };
}

/**
 * Walks a directory tree depth-first in name order and stores it: files with FastCDC (holes of
 * sparse files recorded, not stored), directories as tree blobs (empty ones too), symlinks,
 * devices, FIFOs and sockets as metadata. A hard-link group is read once; every member gets the
 * same `hardLinkId` and content. Resolves the root tree id (the directory's contents).
 */
export class FileTreeArchiver {
  readonly #chunker: FastCdcChunker;
  readonly #hardLinks = new Map<string, Promise<Pick<TreeNode, "content" | "sparse">>>();

  constructor(private readonly ctx: ArchiveContext) {
    this.#chunker = new FastCdcChunker(Buffer.from(ctx.repo.config.chunkerKey, "hex"));
  }

  async directory(path: string): Promise<Buffer> {
    const names = (await readable(path, readdir(path))).sort();
    const nodes: Promise<TreeNode>[] = [];
    for (const name of names) {
      const pending = await this.#entry(join(path, name), name);
      if (pending) nodes.push(pending.node);
    }
    return this.ctx.session.saveTree(await Promise.all(nodes));
  }

  /** Stores one regular file; resolves once its chunks are queued (content settles later). */
  async file(path: string, name: string): Promise<Pending> {
    const st = await readable(path, lstat(path, { bigint: true }));
    return this.#file(path, nodeMetadata(name, st), looksSparse(st));
  }

  /** One directory entry; undefined when it vanished between the listing and the lstat. */
  async #entry(path: string, name: string): Promise<Pending | undefined> {
    const st = await lstat(path, { bigint: true }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      return readable(path, Promise.reject(error));
    });
    if (st === undefined) return undefined;
    const node = nodeMetadata(name, st);
    switch (node.type) {
      case "dir":
        return done({ ...node, subtree: (await this.directory(path)).toString("hex") });
      case "symlink":
        return done({ ...node, linkTarget: await readable(path, readlink(path)) });
      case "file":
        return this.#file(path, node, looksSparse(st));
      default:
        this.ctx.counters.filesDone++;
        return done(node);
    }
  }

  async #file(path: string, node: TreeNode, sparse: boolean): Promise<Pending> {
    const linked = node.hardLinkId === undefined ? undefined : this.#hardLinks.get(node.hardLinkId);
    if (linked) {
      this.ctx.counters.filesDone++;
      return settle(linked.then((fields) => ({ ...node, ...fields })));
    }
    const holes: [number, number][] = [];
    const handle = await readable(path, open(path, "r"));
    let ids: Promise<string>[];
    try {
      ids = await queueStream(
        this.ctx,
        readFileData(handle, this.ctx.counters, sparse ? holes : undefined),
        this.#chunker,
      );
    } finally {
      await handle.close();
    }
    this.ctx.counters.filesDone++;
    const fields = Promise.all(ids).then((content) => ({
      content,
      ...(holes.length > 0 ? { sparse: holes } : {}),
    }));
    fields.catch(() => undefined);
    if (node.hardLinkId !== undefined) this.#hardLinks.set(node.hardLinkId, fields);
    return settle(fields.then((f) => ({ ...node, ...f })));
  }
}

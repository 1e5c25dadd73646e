import { chmod, link, lchown, lutimes, mkdir, open, rm, symlink, utimes } from "node:fs/promises";
import { join } from "node:path";
import type { TransferCounters } from "../archiver/backup-progress.js";
import { secondsOf } from "../archiver/node-metadata.js";
import type { TreeNode } from "../tree.js";
import type { BlobReader } from "./blob-reader.js";
import { globMatcher, mayMatchBelow } from "./glob-match.js";
import { directMinBytes, openDirect, type DirectTarget } from "./direct-target.js";
import { writeContent } from "./write-content.js";

export interface TreeRestoreOptions {
  readonly include?: readonly string[];
  readonly parallel?: number;
  readonly counters?: TransferCounters;
}

export interface TreeRestoreStats {
  files: number;
  dirs: number;
  symlinks: number;
  hardLinks: number;
  /** Entries of other types (devices, FIFOs, sockets) that were not recreated. */
  skipped: number;
}

const canChown = typeof process.getuid === "function" && process.getuid() === 0;

/**
 * Restores a tree into `target` (created if needed): directories (empty ones too), files with
 * their holes, symlinks, hard links (members after the first are linked to it), modes, times,
 * and owners when running as root. Directory times are set after their contents.
 */
export class TreeRestorer {
  readonly stats: TreeRestoreStats = { files: 0, dirs: 0, symlinks: 0, hardLinks: 0, skipped: 0 };
  readonly #linked = new Map<string, string>();
  readonly #included: (path: string) => boolean;

  constructor(
    private readonly reader: BlobReader,
    private readonly options: TreeRestoreOptions = {},
  ) {
    this.#included = globMatcher(options.include ?? []);
  }

  async restore(treeId: string, target: string): Promise<void> {
    await mkdir(target, { recursive: true });
    await this.#dir(treeId, target, "");
  }

  async #dir(treeId: string, dir: string, rel: string): Promise<void> {
    for (const node of await this.reader.tree(treeId)) {
      const path = join(dir, node.name);
      const relPath = rel === "" ? node.name : `${rel}/${node.name}`;
      const included = this.#included(relPath);
      if (node.type === "dir") {
        if (!included && !mayMatchBelow(this.options.include ?? [], relPath)) continue;
        await mkdir(path, { recursive: true });
        if (node.subtree !== undefined) await this.#dir(node.subtree, path, relPath);
        if (included) {
          await applyMetadata(path, node);
          this.stats.dirs++;
        }
        continue;
      }
      if (!included) continue;
      await mkdir(dir, { recursive: true });
      await this.#leaf(node, path);
    }
  }

  async #leaf(node: TreeNode, path: string): Promise<void> {
    await rm(path, { force: true });
    if (node.type === "symlink") {
      await symlink(node.linkTarget ?? "", path);
      await applyMetadata(path, node);
      this.stats.symlinks++;
      return;
    }
    if (node.type !== "file") {
      this.stats.skipped++;
      return;
    }
    const first = node.hardLinkId === undefined ? undefined : this.#linked.get(node.hardLinkId);
    if (first !== undefined) {
      await link(first, path);
      this.stats.hardLinks++;
      return;
    }
    const handle = await open(path, "w");
    let direct: DirectTarget | undefined;
    try {
      await handle.truncate(node.size ?? 0);
      if ((node.size ?? 0) >= directMinBytes) direct = await openDirect(path);
      await writeContent(this.reader, node, handle, path, {
        ...(this.options.parallel ? { parallel: this.options.parallel } : {}),
        ...(this.options.counters ? { counters: this.options.counters } : {}),
        ...(direct ? { direct } : {}),
      });
    } finally {
      await direct?.close();
      await handle.close();
    }
    await applyMetadata(path, node);
    if (node.hardLinkId !== undefined) this.#linked.set(node.hardLinkId, path);
    this.stats.files++;
    if (this.options.counters) this.options.counters.filesDone++;
  }
}

/** Owner (root only), mode, then times — times last, since chmod and chown touch ctime only. */
export async function applyMetadata(path: string, node: TreeNode): Promise<void> {
  const isLink = node.type === "symlink";
  if (canChown && node.uid !== undefined && node.gid !== undefined) {
    await lchown(path, node.uid, node.gid).catch(() => undefined);
  }
  if (!isLink && node.mode !== undefined) await chmod(path, node.mode & 0o7777);
  if (node.mtime !== undefined) {
    const mtime = secondsOf(node.mtime);
    const atime = node.atime === undefined ? mtime : secondsOf(node.atime);
    await (isLink ? lutimes : utimes)(path, atime, mtime);
  }
}

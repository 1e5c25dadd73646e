import { closeSync, lstatSync, openSync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";

/** Bytes allocated by the files below `path` (as `du` reports them; sparse files count less). */
export function dirSize(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.blocks * 512;
  let total = 0;
  for (const name of readdirSync(path)) total += dirSize(join(path, name));
  return total;
}

/** Finds the first regular file named `name` below `root` (peers restore full paths). */
export function findFile(root: string, name: string): string | null {
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isFile() && entry.name === name) return path;
    if (entry.isDirectory()) {
      const found = findFile(path, name);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * Reads every regular file below `path` once, so that it is in the page cache: every tool then
 * restores from a repository that is cached, whether its backup wrote through the page cache
 * (restic, borg) or around it (Lifeboat writes packs with O_DIRECT).
 */
export function readAll(path: string, buffer = Buffer.allocUnsafe(8 * 1024 * 1024)): void {
  const stat = lstatSync(path);
  if (stat.isDirectory()) {
    for (const name of readdirSync(path)) readAll(join(path, name), buffer);
    return;
  }
  if (!stat.isFile()) return;
  const fd = openSync(path, "r");
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

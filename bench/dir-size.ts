import { lstatSync, readdirSync } from "node:fs";
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

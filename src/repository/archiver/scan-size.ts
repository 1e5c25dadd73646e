import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * Sums the sizes of the regular files below `root` (hard links once), for progress: the backup
 * runs while this scans, and the total (hence the ETA) appears when the scan is done. Entries
 * that cannot be read are skipped; the backup itself reports them. `signal` stops it early
 * (the backup finished first), so it never keeps the process alive.
 */
export async function scanSize(root: string, signal?: AbortSignal): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (signal?.aborted) return;
      const path = join(dir, name);
      const st = await lstat(path).catch(() => null);
      if (st === null) continue;
      if (st.isDirectory()) await walk(path);
      else if (st.isFile()) {
        if (st.nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        total += st.size;
      }
    }
  };
  await walk(root);
  return total;
}

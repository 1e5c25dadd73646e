/** Shared set-up for the pipeline tests: deterministic file trees and tree comparison. */
import { createHash } from "node:crypto";
import {
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  readlink,
  symlink,
  utimes,
  writeFile,
  chmod,
} from "node:fs/promises";
import { join } from "node:path";
import { xorshiftBytes, wordBytes } from "../../src/repository/chunker/golden-input.js";

const MiB = 1024 * 1024;

/**
 * A tree with every kind of entry the archiver handles: nested and empty directories, small
 * and multi-chunk files (random and text-like), a sparse file with data between holes, hard
 * links, relative and dangling symlinks, odd modes, fixed times.
 */
export async function makeTree(root: string, seed = 1): Promise<void> {
  await mkdir(join(root, "a/b/c"), { recursive: true });
  await mkdir(join(root, "empty/nested-empty"), { recursive: true });
  await writeFile(join(root, "small.txt"), "hello lifeboat\n");
  await writeFile(join(root, "zero-length"), "");
  await writeFile(join(root, "a/random.bin"), xorshiftBytes(5 * MiB + 123, seed));
  await writeFile(join(root, "a/b/text.txt"), wordBytes(3 * MiB + 7, seed + 1));
  await writeFile(join(root, "a/b/c/dup.bin"), xorshiftBytes(5 * MiB + 123, seed));
  // Sparse: 64 MiB logical, data at 1 MiB and 40 MiB, a hole at the end.
  const sparse = await open(join(root, "sparse.img"), "w");
  await sparse.truncate(64 * MiB);
  await sparse.write(xorshiftBytes(300_000, seed + 2), 0, 300_000, MiB);
  await sparse.write(wordBytes(8192, seed + 3), 0, 8192, 40 * MiB + 4096);
  await sparse.close();
  await link(join(root, "a/random.bin"), join(root, "hardlink-to-random"));
  await link(join(root, "small.txt"), join(root, "a/b/small-link"));
  await symlink("a/b/text.txt", join(root, "link-to-text"));
  await symlink("/nonexistent/target", join(root, "dangling"));
  await writeFile(join(root, "script.sh"), "#!/bin/sh\necho hi\n");
  await chmod(join(root, "script.sh"), 0o750);
  await chmod(join(root, "a/b/c"), 0o700);
  const t = new Date("2024-05-06T07:08:09.123Z");
  await utimes(join(root, "small.txt"), t, t);
  await utimes(join(root, "a/b"), t, t);
}

export interface EntryFacts {
  type: string;
  mode: number;
  size: number;
  mtimeMs: number;
  sha256?: string;
  target?: string;
  /** Paths (relative) sharing this entry's inode, for hard links. */
  linkGroup?: string;
}

/** Every entry below `root` with what a byte-identical restore must preserve. */
export async function describeTree(root: string): Promise<Map<string, EntryFacts>> {
  const facts = new Map<string, EntryFacts>();
  const inodes = new Map<string, string>();
  const walk = async (dir: string, rel: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const st = await lstat(path);
      const entry: EntryFacts = {
        type: st.isDirectory() ? "dir" : st.isSymbolicLink() ? "symlink" : "file",
        mode: st.mode,
        size: st.isDirectory() ? 0 : st.size,
        mtimeMs: st.isSymbolicLink() ? 0 : Math.floor(st.mtimeMs),
      };
      if (st.isSymbolicLink()) entry.target = await readlink(path);
      else if (st.isFile()) {
        entry.sha256 = createHash("sha256")
          .update(await readFile(path))
          .digest("hex");
        if (st.nlink > 1) {
          const key = `${st.ino}`;
          if (!inodes.has(key)) inodes.set(key, relPath);
          entry.linkGroup = inodes.get(key)!;
        }
      }
      facts.set(relPath, entry);
      if (st.isDirectory()) await walk(path, relPath);
    }
  };
  await walk(root, "");
  return facts;
}

import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { open, unlink, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Files with less data than this are written through the page cache only. */
export const directMinBytes = 8 * 1024 * 1024;

/** A restored file opened a second time for direct writes (see BlobJob's `direct`). */
export interface DirectTarget {
  readonly fd: number;
  /** A direct descriptor on an unlinked scratch file beside it, for alignment probes. */
  readonly probeFd: number;
  close(): Promise<void>;
}

/**
 * Opens `path` (already created and sized) with `O_DIRECT`, so the restore workers write its
 * block-aligned batches straight to the device: copying 1 GiB into fresh page-cache pages cost
 * 0.8–2.4 s of system time here, a direct write 0.1 s (docs/benchmarks.md). The restored data
 * is then not in the page cache. Resolves undefined (the restore writes through the page cache
 * as before) where the file system has no direct I/O (tmpfs, some network file systems) or
 * not on Linux. The probe file is unlinked at once, so nothing is left behind, even by a crash.
 */
export async function openDirect(path: string): Promise<DirectTarget | undefined> {
  if (process.platform !== "linux" || constants.O_DIRECT === undefined) return undefined;
  let file: FileHandle | undefined;
  let probe: FileHandle | undefined;
  try {
    file = await open(path, constants.O_WRONLY | constants.O_DIRECT);
    const probePath = join(dirname(path), `.lifeboat-probe-${randomBytes(6).toString("hex")}`);
    const flags = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_DIRECT;
    probe = await open(probePath, flags, 0o600);
    await unlink(probePath);
  } catch {
    await file?.close();
    await probe?.close();
    return undefined;
  }
  const [target, scratch] = [file, probe];
  return {
    fd: target.fd,
    probeFd: scratch.fd,
    close: async () => {
      await target.close();
      await scratch.close();
    },
  };
}

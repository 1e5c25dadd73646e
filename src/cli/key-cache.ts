import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { MasterKey } from "../repository/crypto/master-key.js";
import { Repository } from "../repository/repository.js";
import { backendOf, repositoryTarget, type RepositoryCliOptions } from "./repository-options.js";

/**
 * The per-user key cache of `pg archive-wal --key-cache <dir>` (docs/pg-protection.md, "Key
 * cache"): the unwrapped master key of one repository, so a command PostgreSQL starts once per
 * segment skips the scrypt derivation (0.7 s calibrated, 1–2.5 s under load). The scrypt
 * parameters stay as they are; only a process that can already read the password file can use
 * the cache, because it is used only when the password comes from a file, lives in a directory
 * that only its owner may enter (0700) as a 0600 file, and is bound to that password file's
 * identity (device, inode, size, mtime, ctime) and to a key slot that must still exist.
 */
const cacheSchema = z
  .object({
    version: z.literal(1),
    url: z.string(),
    keyId: z.string().regex(/^[0-9a-f]{64}$/),
    passwordFile: z.string(),
    fileId: z.string(),
    master: z.string(),
  })
  .strict();

/**
 * `hit`: opened with the cached key; `miss`: derived (and cached for next time); `unusable`:
 * no password file, or a directory that is not private to this user (never written).
 */
export type KeyCacheUse = "hit" | "miss" | "unusable";

async function fileIdentity(path: string): Promise<string> {
  const st = await stat(path, { bigint: true });
  return [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].join(":");
}

/** Refuses a directory others may write or enter: a cache there would not be private. */
async function privateDir(dir: string): Promise<boolean> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await stat(dir);
  return st.isDirectory() && (st.mode & 0o077) === 0 && st.uid === process.getuid?.();
}

/**
 * Opens the repository the options name, using and refreshing the key cache in `dir` when the
 * password comes from a file; any doubt (no cache, another password file or a changed one, a
 * removed key slot, a key the repository does not authenticate) falls back to the normal open,
 * which derives the key and then rewrites the cache.
 */
export async function withKeyCache<T>(
  dir: string,
  options: RepositoryCliOptions,
  body: (repo: Repository, cache: KeyCacheUse) => Promise<T>,
): Promise<T> {
  const target = await repositoryTarget(options);
  const backend = await backendOf(target);
  let repo: Repository;
  let use: KeyCacheUse;
  try {
    const file = target.passwordFile;
    const usable = file !== undefined && (await privateDir(resolve(dir)).catch(() => false));
    const path = join(
      resolve(dir),
      `${createHash("sha256")
        .update(`${target.url}\n${target.endpoint ?? ""}`)
        .digest("hex")}.json`,
    );
    const cached = usable ? await fromCache(path, target.url, file, backend) : null;
    repo = cached ?? (await Repository.open(backend, target.password()));
    use = !usable ? "unusable" : cached !== null ? "hit" : "miss";
    if (use === "miss") await toCache(path, target.url, file!, repo).catch(() => null);
  } catch (error) {
    await backend.close().catch(() => undefined);
    throw error;
  }
  try {
    return await body(repo, use);
  } finally {
    await repo.close();
  }
}

async function fromCache(
  path: string,
  url: string,
  passwordFile: string,
  backend: Parameters<typeof Repository.open>[0],
): Promise<Repository | null> {
  try {
    const entry = cacheSchema.parse(JSON.parse(await readFile(path, "utf8")));
    if (entry.url !== url || entry.passwordFile !== passwordFile) return null;
    if (entry.fileId !== (await fileIdentity(passwordFile))) return null;
    if (!(await backend.list("keys")).some((k) => k.name === entry.keyId)) return null;
    const master = new MasterKey(Buffer.from(entry.master, "base64"));
    return await Repository.openWithKey(backend, master, entry.keyId);
  } catch {
    return null;
  }
}

async function toCache(
  path: string,
  url: string,
  passwordFile: string,
  repo: Repository,
): Promise<void> {
  const entry: z.infer<typeof cacheSchema> = {
    version: 1,
    url,
    keyId: repo.keyId,
    passwordFile,
    fileId: await fileIdentity(passwordFile),
    master: repo.key.bytes().toString("base64"),
  };
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(entry), { mode: 0o600, flag: "wx" });
  await rename(temp, path);
}

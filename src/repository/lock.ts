import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { z } from "zod";
import { LifeboatError } from "../model/errors.js";
import type { Backend } from "./backend.js";
import type { Codec } from "./codec.js";
import { loadJsonObject, saveJsonObject } from "./json-object.js";
import { mapLimit } from "./map-limit.js";

const lockSchema = z
  .object({
    lockId: z.string().regex(/^[0-9a-f]{32}$/),
    exclusive: z.boolean(),
    operation: z.string(),
    host: z.string(),
    pid: z.number().int(),
    started: z.number(),
    refreshed: z.number(),
  })
  .strict();

export type LockInfo = z.infer<typeof lockSchema>;

/** Lock timing (docs/repository-format.md, "Locks"); injectable so tests need not wait. */
export interface LockTiming {
  /** A lock not refreshed for this long is stale. Default 30 min. */
  readonly staleMs: number;
  /** How often a holder refreshes. Default 5 min. */
  readonly refreshMs: number;
  /** Wait between writing an exclusive lock and looking for rivals. Default 200 ms. */
  readonly settleMs: number;
  readonly now: () => number;
}

export const defaultLockTiming: LockTiming = {
  staleMs: 30 * 60_000,
  refreshMs: 5 * 60_000,
  settleMs: 200,
  now: () => Date.now(),
};

export interface ListedLock {
  readonly name: string;
  /** Undefined when the lock object could not be decoded (then its storage time decides). */
  readonly info: LockInfo | undefined;
  readonly stale: boolean;
}

function processIsDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as { code?: string }).code === "ESRCH";
  }
}

/** Lists locks and classifies them; an undecodable lock is live until its object is old. */
export async function listLocks(
  backend: Backend,
  codec: Codec,
  timing: LockTiming,
): Promise<ListedLock[]> {
  const now = timing.now();
  const here = hostname();
  const listed = await backend.list("locks");
  return mapLimit(listed, 8, async ({ name, modified }): Promise<ListedLock> => {
    let info: LockInfo | undefined;
    try {
      info = await loadJsonObject(backend, codec, "locks", "lock", name, lockSchema);
    } catch (error) {
      // Removed since the listing (a refresh or a release): it is not a live lock any more.
      if (error instanceof LifeboatError && error.code === "LB_REPO_OBJECT_MISSING") {
        return { name, info: undefined, stale: true };
      }
      return { name, info: undefined, stale: now - modified.getTime() > timing.staleMs };
    }
    const stale =
      now - info.refreshed > timing.staleMs || (info.host === here && processIsDead(info.pid));
    return { name, info, stale };
  });
}

/**
 * A lock held by this process. Shared locks never conflict; an exclusive lock fails with
 * `LB_REPO_LOCKED` (retryable) when another live exclusive lock exists. The holder refreshes
 * it on a timer; if a refresh fails, or the lock went stale (a suspended laptop), the holder
 * must not commit: {@link RepositoryLock.assertHealthy} throws.
 */
export class RepositoryLock {
  #name: string;
  #info: LockInfo;
  #timer: NodeJS.Timeout | undefined;
  #failure: unknown;
  #lastRefresh: number;
  #released = false;
  #inflight: Promise<void> | undefined;

  private constructor(
    private readonly backend: Backend,
    private readonly codec: Codec,
    private readonly timing: LockTiming,
    name: string,
    info: LockInfo,
  ) {
    this.#name = name;
    this.#info = info;
    this.#lastRefresh = info.refreshed;
  }

  get info(): LockInfo {
    return this.#info;
  }

  get name(): string {
    return this.#name;
  }

  static async acquire(
    backend: Backend,
    codec: Codec,
    options: { exclusive: boolean; operation: string; timing?: LockTiming },
  ): Promise<RepositoryLock> {
    const timing = options.timing ?? defaultLockTiming;
    const now = timing.now();
    const info: LockInfo = {
      lockId: randomBytes(16).toString("hex"),
      exclusive: options.exclusive,
      operation: options.operation,
      host: hostname(),
      pid: process.pid,
      started: now,
      refreshed: now,
    };
    const name = await saveJsonObject(backend, codec, "locks", "lock", info);
    const lock = new RepositoryLock(backend, codec, timing, name, info);
    if (options.exclusive) {
      await new Promise((resolve) => setTimeout(resolve, timing.settleMs));
      const rivals = (await listLocks(backend, codec, timing)).filter(
        (l) => !l.stale && l.name !== name && (l.info === undefined || l.info.exclusive),
      );
      if (rivals.length > 0) {
        await lock.release();
        throw new LifeboatError(
          "LB_REPO_LOCKED",
          `the repository is locked by ${describe(rivals[0]!)}`,
          {
            details: { locks: rivals.map((r) => r.name) },
          },
        );
      }
    }
    lock.#timer = setInterval(() => void lock.refresh().catch(() => undefined), timing.refreshMs);
    lock.#timer.unref();
    return lock;
  }

  /** Replaces the lock object with a fresh one (objects are immutable: write new, delete old). */
  async refresh(): Promise<void> {
    if (this.#released) return;
    const running = this.#refresh();
    this.#inflight = running.catch(() => undefined);
    await running;
  }

  async #refresh(): Promise<void> {
    try {
      const info = { ...this.#info, refreshed: this.timing.now() };
      const name = await saveJsonObject(this.backend, this.codec, "locks", "lock", info);
      if (this.#released) {
        await this.backend.remove("locks", name);
        return;
      }
      const old = this.#name;
      this.#name = name;
      this.#info = info;
      this.#lastRefresh = info.refreshed;
      await this.backend.remove("locks", old);
    } catch (error) {
      this.#failure ??= error;
      throw error;
    }
  }

  /** Throws `LB_REPO_LOCKED` if a refresh failed or the lock may have been seen as stale. */
  assertHealthy(): void {
    const age = this.timing.now() - this.#lastRefresh;
    if (this.#failure !== undefined || age > this.timing.staleMs) {
      throw new LifeboatError(
        "LB_REPO_LOCKED",
        "this process's repository lock could not be kept fresh; the operation stops before committing",
        { cause: this.#failure, retryable: true, details: { lock: this.#name, ageMs: age } },
      );
    }
  }

  async release(): Promise<void> {
    this.#released = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#inflight;
    await this.backend.remove("locks", this.#name);
  }
}

function describe(lock: ListedLock): string {
  if (!lock.info) return `lock ${lock.name.slice(0, 8)} (unreadable)`;
  const { operation, host, pid, started } = lock.info;
  return `${operation} on ${host} (pid ${pid}) since ${new Date(started).toISOString()}`;
}

/** Deletes stale locks (done by exclusive operations); returns how many were removed. */
export async function removeStaleLocks(
  backend: Backend,
  codec: Codec,
  timing: LockTiming,
): Promise<number> {
  const stale = (await listLocks(backend, codec, timing)).filter((l) => l.stale);
  for (const lock of stale) await backend.remove("locks", lock.name);
  return stale.length;
}

import type { Clock } from "../model/clock.js";
import type { Logger } from "../model/logger.js";
import { acquireLease, releaseLease } from "../store/named-lease.js";
import type { StoreSession } from "../store/store.js";

export interface LeaderElectionOptions {
  readonly store: StoreSession;
  /** The lease's name: one leader per name and store. */
  readonly name: string;
  /** This process (`<host>:<pid>:<random>`). */
  readonly owner: string;
  readonly ttlMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called when this process becomes the leader; what it starts must stop on `onLose`. */
  readonly onGain: () => void;
  /** Called when leadership ends (lost, or `stop()`); resolves once the work has stopped. */
  readonly onLose: () => Promise<void>;
}

/**
 * Keeps trying to hold a named lease in the store (src/store/named-lease.ts) and says when this
 * process gains or loses it. Tries every ttl/3: the holder renews well before expiry; a
 * follower takes over within ttl + ttl/3 of the holder's death. A holder that cannot renew (the
 * store is unreachable, or another process took the lease) gives leadership up before its lease
 * can have expired — at ttl/3 after its last renewal wait — so two leaders never overlap while
 * clocks agree to well within ttl/3.
 */
export class LeaderElection {
  readonly #options: LeaderElectionOptions;
  #leader = false;
  #stopped = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: LeaderElectionOptions) {
    this.#options = options;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops trying; if leader, stops the work first, then releases the lease at once. */
  async stop(): Promise<void> {
    this.#stopped.abort();
    await this.#loop;
    if (this.#leader) await this.#lose("stopping");
    const { store, name, owner } = this.#options;
    await releaseLease(store, name, owner).catch(() => undefined);
  }

  async #run(): Promise<void> {
    const { store, name, owner, ttlMs, clock, logger } = this.#options;
    while (!this.#stopped.signal.aborted) {
      let held = false;
      try {
        held = await acquireLease(store, name, owner, ttlMs);
      } catch (error) {
        logger.log("warn", "leader.renew.failed", { name, owner, error: String(error) });
      }
      if (held && !this.#leader) {
        this.#leader = true;
        logger.log("info", "leader.gained", { name, owner });
        this.#options.onGain();
      } else if (!held && this.#leader) {
        await this.#lose("lease lost");
      }
      await clock.sleep(Math.max(1, Math.floor(ttlMs / 3)), this.#stopped.signal).catch(() => {});
    }
  }

  async #lose(reason: string): Promise<void> {
    this.#leader = false;
    this.#options.logger.log("info", "leader.lost", { name: this.#options.name, reason });
    await this.#options.onLose();
  }
}

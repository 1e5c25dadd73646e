/**
 * One open database per SQLite file per process, shared by every `openStore` of that file.
 *
 * better-sqlite3 is synchronous: a second connection waiting for the write lock blocks the
 * whole event loop, so the first connection, whose transaction needs that loop to reach its
 * commit, can never release the lock. Two connections to one file in one process therefore
 * stall for the full busy timeout and fail. Sharing one connection (and Kysely's mutex around
 * it) turns that into ordinary queueing. Closing releases a reference; the last one closes.
 */
export interface SharedHandle<T> {
  readonly value: T;
  /** Idempotent. */
  release(): Promise<void>;
}

interface Entry<T> {
  readonly opening: Promise<T>;
  refs: number;
}

export class SharedBackends<T> {
  readonly #entries = new Map<string, Entry<T>>();

  constructor(private readonly close: (value: T) => Promise<void>) {}

  async acquire(key: string, open: () => Promise<T>): Promise<SharedHandle<T>> {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { opening: open(), refs: 0 };
      this.#entries.set(key, entry);
    }
    const current = entry;
    current.refs += 1;
    let value: T;
    try {
      value = await current.opening;
    } catch (error) {
      // A failed open is not cached: the next attempt tries again.
      current.refs -= 1;
      if (this.#entries.get(key) === current) this.#entries.delete(key);
      throw error;
    }
    let released: Promise<void> | undefined;
    return {
      value,
      release: () =>
        (released ??= (async () => {
          current.refs -= 1;
          if (current.refs > 0) return;
          if (this.#entries.get(key) === current) this.#entries.delete(key);
          await this.close(value);
        })()),
    };
  }
}

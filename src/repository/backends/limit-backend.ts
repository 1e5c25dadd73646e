import type { Backend } from "../backend.js";

/** A counting semaphore; waiters are served in arrival order. */
export class Semaphore {
  #free: number;
  readonly #waiters: (() => void)[] = [];

  constructor(permits: number) {
    this.#free = Math.max(1, permits);
  }

  async run<T>(body: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiters.push(resolve));
    try {
      return await body();
    } finally {
      const next = this.#waiters.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

/**
 * Caps the number of backend operations in flight (restic: 5 for remote stores, 2 locally), so
 * many parallel producers neither exhaust sockets and file handles nor hold too many packs in
 * memory. Operations beyond the cap wait in arrival order.
 */
export function limitBackend(inner: Backend, concurrency: number): Backend {
  const gate = new Semaphore(concurrency);
  return {
    location: inner.location,
    save: (type, name, data) => gate.run(() => inner.save(type, name, data)),
    load: (type, name, range, into) => gate.run(() => inner.load(type, name, range, into)),
    stat: (type, name) => gate.run(() => inner.stat(type, name)),
    list: (type, options) => gate.run(() => inner.list(type, options)),
    remove: (type, name) => gate.run(() => inner.remove(type, name)),
    close: () => inner.close(),
  };
}

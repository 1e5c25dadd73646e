import { LifeboatError } from "./errors.js";

/**
 * The source of time. Engines take a `Clock` instead of calling `Date.now()` or `setTimeout`, so
 * tests replace time and policy tests never sleep.
 */
export interface Clock {
  /** The current wall-clock time. */
  now(): Date;
  /**
   * Resolves after `ms` milliseconds. When `signal` aborts first it rejects with `LB_CANCELLED`
   * (also at once if the signal has already aborted); the timer is released either way.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function cancelled(): LifeboatError {
  return new LifeboatError("LB_CANCELLED", "sleep cancelled");
}

/** Real time. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(cancelled());
      const onAbort = () => {
        clearTimeout(timer);
        reject(cancelled());
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

interface Sleeper {
  readonly wakeAt: number;
  readonly resolve: () => void;
}

/**
 * A clock that moves only when told to: `advance(ms)` wakes every sleeper whose time has come,
 * in deadline order. With `autoAdvance`, `sleep(ms)` moves time forward by `ms` itself and
 * resolves at once, which suits code that backs off between retries. For tests and simulations.
 */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];
  readonly #autoAdvance: boolean;
  /** Every duration passed to `sleep`, in call order (tests assert on backoff schedules). */
  readonly sleeps: number[] = [];

  constructor(
    start: Date | string = "2026-01-05T12:00:00Z",
    options: { autoAdvance?: boolean } = {},
  ) {
    this.#now = new Date(start).getTime();
    this.#autoAdvance = options.autoAdvance ?? false;
  }

  now(): Date {
    return new Date(this.#now);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(cancelled());
    if (this.#autoAdvance) {
      this.advance(ms);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = { wakeAt: this.#now + Math.max(0, ms), resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        "abort",
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          reject(cancelled());
        },
        { once: true },
      );
    });
  }

  /** Moves time forward by `ms` and wakes the sleepers that are due. */
  advance(ms: number): void {
    this.set(new Date(this.#now + ms));
  }

  /** Moves time to `at` (never backwards) and wakes the sleepers that are due. */
  set(at: Date | string): void {
    this.#now = Math.max(this.#now, new Date(at).getTime());
    const due = this.#sleepers.filter((s) => s.wakeAt <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.wakeAt > this.#now);
    for (const sleeper of due.sort((a, b) => a.wakeAt - b.wakeAt)) sleeper.resolve();
  }
}

import type { Clock } from "../model/clock.js";
import { LifeboatError } from "../model/errors.js";

/**
 * Runs `work` with a signal that aborts when `parent` does or when `ms` pass on `clock`. On the
 * deadline it rejects with `LB_TIMEOUT` (not retryable: the gate's time is spent) without
 * waiting for `work`, which may ignore its signal; a later result is dropped.
 */
export async function withDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  ms: number,
  parent: AbortSignal,
  clock: Clock,
  what: string,
): Promise<T> {
  const local = new AbortController();
  const stopTimer = new AbortController();
  const forward = () => local.abort();
  if (parent.aborted) local.abort();
  else parent.addEventListener("abort", forward, { once: true });
  const timeout = clock.sleep(Math.max(0, ms), stopTimer.signal).then(
    () => {
      local.abort();
      throw new LifeboatError("LB_TIMEOUT", `${what} did not finish within ${ms} ms`, {
        details: { timeoutMs: ms },
        retryable: false,
      });
    },
    () => new Promise<never>(() => undefined), // the work finished first
  );
  try {
    return await Promise.race([work(local.signal), timeout]);
  } finally {
    stopTimer.abort();
    parent.removeEventListener("abort", forward);
  }
}

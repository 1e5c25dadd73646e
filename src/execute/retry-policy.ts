/**
 * How a step that fails with a retryable error is retried: up to `maxAttempts` calls in one
 * executor session, waiting an exponentially growing, jittered delay between them.
 */
export interface RetryPolicy {
  /** Calls per step per session, the first included. */
  readonly maxAttempts: number;
  /** Delay before the second call, before jitter. */
  readonly baseDelayMs: number;
  /** Upper bound of any delay, before jitter. */
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
};

/**
 * The wait after failed call number `attempt` (1-based): `min(max, base·2^(attempt−1))`, then
 * "equal jitter" — a uniformly random point in its upper half — so steps throttled together do
 * not retry together, yet every wait keeps at least half its nominal length.
 * `random` returns a number in [0, 1).
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + (nominal / 2) * random());
}

import type { Clock } from "../model/clock.js";
import { asLifeboatError, BugError, type LifeboatError } from "../model/errors.js";

export interface CaptureLoopOptions<T> {
  /** Milliseconds from the start of one capture to the start of the next (config `capture.every`). */
  readonly everyMs: number;
  readonly clock: Clock;
  /** Stops the loop: a sleep ends at once and a capture in progress gets the signal. */
  readonly signal: AbortSignal;
  /** One capture (usually `captureVersion`); it should honour the signal it is given. */
  readonly capture: (signal: AbortSignal) => Promise<T>;
  /** Called after each successful capture. */
  readonly onCapture?: (result: T, startedAt: Date) => void;
  /** Called after each failed capture; the loop goes on (the next capture may succeed). */
  readonly onError?: (error: LifeboatError, startedAt: Date) => void;
}

export interface CaptureLoopSummary {
  readonly captures: number;
  readonly failures: number;
}

/**
 * Captures an environment every `everyMs` until `signal` aborts, as `serve` runs it. The first
 * capture starts at once. Starts are on a fixed grid (start + k·every), so they do not drift by
 * the time each capture takes; a capture that overruns its slot is followed by the next one at
 * once, never by a burst of the missed ones. Captures never overlap. A failure (unreachable
 * provider, rejected credentials) is reported through `onError` and the loop keeps going:
 * nothing is stored for it (see `captureVersion`). Resolves when aborted; never rejects.
 */
export async function runCaptureLoop<T>(
  options: CaptureLoopOptions<T>,
): Promise<CaptureLoopSummary> {
  const { clock, signal, everyMs } = options;
  if (!(everyMs > 0)) throw new BugError(`capture loop interval must be positive, got ${everyMs}`);
  let captures = 0;
  let failures = 0;
  while (!signal.aborted) {
    const startedAt = clock.now();
    try {
      const result = await options.capture(signal);
      captures += 1;
      options.onCapture?.(result, startedAt);
    } catch (error) {
      if (signal.aborted) break;
      failures += 1;
      options.onError?.(asLifeboatError(error), startedAt);
    }
    const wait = startedAt.getTime() + everyMs - clock.now().getTime();
    if (wait <= 0) continue;
    try {
      await clock.sleep(wait, signal);
    } catch {
      break;
    }
  }
  return { captures, failures };
}

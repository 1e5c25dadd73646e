import type { Clock } from "../model/clock.js";

export interface DrillScheduleOptions {
  /** `environments.<name>.drill.every`. */
  readonly everyMs: number;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** When the newest drill of the environment was created (any server), or null for none. */
  readonly lastDrillAt: () => Promise<Date | null>;
  /** Whether a drill of the environment is still going (then the slot is skipped). */
  readonly drillActive: () => Promise<boolean>;
  /** Starts a drill; resolves once it is recorded (it runs in the background). */
  readonly startDrill: () => Promise<void>;
  readonly onError?: (error: unknown) => void;
}

/**
 * Starts a drill every `everyMs`, measured from the newest drill in the store, so a restarted
 * or newly elected scheduler keeps the cadence instead of drilling at once (an environment
 * never drilled gets its first drill now). A slot whose previous drill is still going is
 * skipped. Reads the store before each start, so drills started by hand count too. Resolves
 * when `signal` aborts; never rejects.
 */
export async function runDrillSchedule(options: DrillScheduleOptions): Promise<void> {
  const { clock, signal, everyMs } = options;
  while (!signal.aborted) {
    try {
      const last = await options.lastDrillAt();
      const due = last === null ? 0 : last.getTime() + everyMs - clock.now().getTime();
      if (due > 0) {
        await clock.sleep(due, signal);
        continue; // re-read: someone may have drilled meanwhile
      }
      if (!(await options.drillActive())) await options.startDrill();
      else await clock.sleep(everyMs, signal);
    } catch (error) {
      if (signal.aborted) return;
      options.onError?.(error);
      await clock.sleep(Math.min(everyMs, 60_000), signal).catch(() => undefined);
    }
  }
}

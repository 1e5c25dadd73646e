import type { ProbeKind, ProbeResult } from "../model/probe-status.js";

/**
 * One health check of one target. `run` observes the target once and maps what it saw to a
 * status from the catalogue (src/model/probe-status.ts): a refused connection, a timeout or a
 * wrong answer is a result, never an exception. It rejects only on a bug. It honours its own
 * timeout; when `signal` aborts it returns promptly with `UNKNOWN`. Probes keep no state between
 * runs, so running one concurrently with itself is safe.
 */
export interface Probe {
  /** Stable within the environment: rules and evidence refer to it. */
  readonly id: string;
  readonly kind: ProbeKind;
  run(signal: AbortSignal): Promise<ProbeResult>;
}

/** A probe with the interval the watcher runs it at. */
export interface ScheduledProbe {
  readonly probe: Probe;
  readonly everyMs: number;
}

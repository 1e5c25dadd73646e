import type { Clock } from "../model/clock.js";
import { probeResult, type ProbeStatusCode } from "../model/probe-status.js";
import { describeError } from "./network-status.js";
import type { Probe } from "./probe.js";

/** Reads the time of the newest event of some kind; null when there has never been one. */
export type NewestAt = (signal: AbortSignal) => Promise<Date | null>;

interface FreshnessOptions {
  readonly id: string;
  readonly kind: "heartbeat" | "replication";
  readonly newestAt: NewestAt;
  readonly maxAgeMs: number;
  readonly staleCode: ProbeStatusCode;
  readonly what: string;
  readonly clock: Clock;
}

function formatAge(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 3_600_000)}h`;
}

/**
 * The shared shape of the heartbeat and replication probes: `OK` while the newest event is at
 * most `maxAgeMs` old, `staleCode` when older or when there is none, and `UNKNOWN` when
 * `newestAt` fails (the store is unreadable: that says nothing about the target).
 */
function freshnessProbe(options: FreshnessOptions): Probe {
  return {
    id: options.id,
    kind: options.kind,
    async run(signal) {
      const at = options.clock.now();
      let newest: Date | null;
      try {
        newest = await options.newestAt(signal);
      } catch (error) {
        return probeResult(options.id, "UNKNOWN", at, null, describeError(error));
      }
      if (newest === null) {
        return probeResult(options.id, options.staleCode, at, null, `no ${options.what} yet`);
      }
      const age = Math.max(0, at.getTime() - newest.getTime());
      const detail = `newest ${options.what} ${formatAge(age)} old (bound ${formatAge(options.maxAgeMs)})`;
      const code = age > options.maxAgeMs ? options.staleCode : "OK";
      return probeResult(options.id, code, at, null, detail);
    },
  };
}

export interface HeartbeatProbeOptions {
  /** Defaults to `heartbeat:<agent>`. */
  readonly id?: string;
  readonly agent: string;
  /** Newest heartbeat the server received from the agent (agents report to the API). */
  readonly newestHeartbeat: NewestAt;
  readonly maxAgeMs: number;
  readonly clock: Clock;
}

/** Agent heartbeat freshness: `HEARTBEAT_LOST` when older than `maxAgeMs` or never seen. */
export function heartbeatProbe(options: HeartbeatProbeOptions): Probe {
  return freshnessProbe({
    id: options.id ?? `heartbeat:${options.agent}`,
    kind: "heartbeat",
    newestAt: options.newestHeartbeat,
    maxAgeMs: options.maxAgeMs,
    staleCode: "HEARTBEAT_LOST",
    what: "heartbeat",
    clock: options.clock,
  });
}

export interface ReplicationProbeOptions {
  /** Defaults to `replication:<environment>`. */
  readonly id?: string;
  readonly environment: string;
  /** Time of the environment's newest complete recovery point. */
  readonly newestRecoveryPoint: NewestAt;
  readonly rpoBudgetMs: number;
  readonly clock: Clock;
}

/** Replication freshness: `REPLICATION_STALLED` when the newest recovery point is over budget. */
export function replicationProbe(options: ReplicationProbeOptions): Probe {
  return freshnessProbe({
    id: options.id ?? `replication:${options.environment}`,
    kind: "replication",
    newestAt: options.newestRecoveryPoint,
    maxAgeMs: options.rpoBudgetMs,
    staleCode: "REPLICATION_STALLED",
    what: "recovery point",
    clock: options.clock,
  });
}

import { connect } from "node:net";
import { performance } from "node:perf_hooks";
import type { Clock } from "../model/clock.js";
import { probeResult } from "../model/probe-status.js";
import { describeError, statusForNetworkError } from "./network-status.js";
import type { Probe } from "./probe.js";

export interface TcpProbeOptions {
  /** Defaults to `tcp:<host>:<port>`. */
  readonly id?: string;
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  /** A connection slower than this is `DEGRADED`. */
  readonly slowerThanMs?: number;
  readonly clock: Clock;
}

/**
 * TCP connect probe: opens a connection and closes it at once. `OK` when it connects;
 * `DEGRADED` when slower than `slowerThanMs`; `HOST_DOWN` when refused, unreachable or not
 * connected within the timeout; `DNS_FAILURE` when the host name does not resolve.
 */
export function tcpProbe(options: TcpProbeOptions): Probe {
  const id = options.id ?? `tcp:${options.host}:${options.port}`;
  return {
    id,
    kind: "tcp",
    async run(signal) {
      const at = options.clock.now();
      const started = performance.now();
      let onAbort = () => undefined as void;
      try {
        await new Promise<void>((resolve, reject) => {
          // Not `connect({ signal })`: node keeps that listener after the socket closes, and the
          // watcher's signal lives as long as the watch.
          const socket = connect({ host: options.host, port: options.port });
          onAbort = () => socket.destroy(new Error("cancelled"));
          if (signal.aborted) onAbort();
          signal.addEventListener("abort", onAbort, { once: true });
          socket.setTimeout(options.timeoutMs, () =>
            socket.destroy(Object.assign(new Error("timed out"), { code: "LB_PROBE_TIMEOUT" })),
          );
          socket.once("connect", () => {
            socket.destroy();
            resolve();
          });
          socket.once("error", reject);
        });
      } catch (error) {
        if (signal.aborted) return probeResult(id, "UNKNOWN", at, null, "cancelled");
        if ((error as { code?: unknown }).code === "LB_PROBE_TIMEOUT") {
          return probeResult(
            id,
            "HOST_DOWN",
            at,
            null,
            `no connection within ${options.timeoutMs} ms`,
          );
        }
        return probeResult(id, statusForNetworkError(error, false), at, null, describeError(error));
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
      const latency = performance.now() - started;
      if (options.slowerThanMs !== undefined && latency > options.slowerThanMs) {
        return probeResult(id, "DEGRADED", at, latency, `connected in ${Math.round(latency)} ms`);
      }
      return probeResult(id, "OK", at, latency, "connected");
    },
  };
}

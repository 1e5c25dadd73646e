import { performance } from "node:perf_hooks";
import type { Clock } from "../model/clock.js";
import { probeResult, type ProbeStatusCode } from "../model/probe-status.js";
import type { Provider } from "../providers/provider.js";
import { describeError } from "./network-status.js";
import type { Probe } from "./probe.js";

export interface ProviderProbeOptions {
  /** Defaults to `provider:<name>`. */
  readonly id?: string;
  /** The provider connection's name in the config (`east`). */
  readonly name: string;
  readonly provider: Pick<Provider, "status">;
  readonly timeoutMs: number;
  readonly clock: Clock;
}

// Only an API that does not answer says something about the region. Wrong credentials or a
// rejected request say something about us, so they must never move traffic.
const statusForCode: Readonly<Record<string, ProbeStatusCode>> = {
  LB_PROVIDER_UNREACHABLE: "REGION_UNREACHABLE",
  LB_PROVIDER_THROTTLED: "DEGRADED",
  LB_TIMEOUT: "REGION_UNREACHABLE",
};

/**
 * Provider status probe: asks the provider's API of the source region whether it answers
 * (`Provider.status`). `OK` when it does; `REGION_UNREACHABLE` when it does not, or not within
 * the timeout; `DEGRADED` when it throttles; `UNKNOWN` for anything else (credentials, a
 * rejected request), because those are not evidence that the region is down.
 */
export function providerProbe(options: ProviderProbeOptions): Probe {
  const id = options.id ?? `provider:${options.name}`;
  return {
    id,
    kind: "provider",
    async run(signal) {
      const at = options.clock.now();
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), options.timeoutMs);
      });
      let onAbort = () => undefined as void;
      const cancelled = new Promise<"cancelled">((resolve) => {
        onAbort = () => resolve("cancelled");
        if (signal.aborted) onAbort();
        signal.addEventListener("abort", onAbort, { once: true });
      });
      try {
        const status = await Promise.race([options.provider.status(), timeout, cancelled]);
        const latency = performance.now() - started;
        if (status === "cancelled") return probeResult(id, "UNKNOWN", at, null, "cancelled");
        if (status === "timeout") {
          return probeResult(
            id,
            "REGION_UNREACHABLE",
            at,
            null,
            `no answer within ${options.timeoutMs} ms`,
          );
        }
        if (status.ok) {
          return probeResult(
            id,
            "OK",
            at,
            latency,
            `${status.identity.type} ${status.identity.region}`,
          );
        }
        const code = statusForCode[status.code] ?? "UNKNOWN";
        return probeResult(id, code, at, null, `${status.code}: ${status.message}`);
      } catch (error) {
        return probeResult(id, "UNKNOWN", at, null, describeError(error));
      } finally {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort); // the watcher's signal lives for hours
      }
    },
  };
}

import { promises as dns } from "node:dns";
import { performance } from "node:perf_hooks";
import type { Clock } from "../model/clock.js";
import { probeResult } from "../model/probe-status.js";
import { describeError } from "./network-status.js";
import type { Probe } from "./probe.js";

export interface DnsProbeOptions {
  /** Defaults to `dns:<name>`. */
  readonly id?: string;
  readonly name: string;
  /** Address family to ask for. Default `A`. */
  readonly recordType?: "A" | "AAAA";
  /**
   * A DNS server as `ip` or `ip:port`, asked directly. Absent: the system resolver
   * (getaddrinfo, which also reads /etc/hosts).
   */
  readonly resolver?: string;
  /** The answer must include at least one of these addresses. */
  readonly expectAddresses?: readonly string[];
  readonly timeoutMs: number;
  readonly clock: Clock;
}

/**
 * DNS resolution probe. `OK` when the name resolves (to an expected address, if any are given);
 * `DNS_FAILURE` when it does not resolve, resolves elsewhere, or the resolver does not answer
 * within the timeout; `UNKNOWN` when cancelled.
 */
export function dnsProbe(options: DnsProbeOptions): Probe {
  const id = options.id ?? `dns:${options.name}`;
  const family = options.recordType === "AAAA" ? 6 : 4;

  async function resolve(signal: AbortSignal): Promise<string[]> {
    if (options.resolver === undefined) {
      const answers = await dns.lookup(options.name, { all: true, family });
      return answers.map((a) => a.address);
    }
    const resolver = new dns.Resolver({ timeout: options.timeoutMs, tries: 1 });
    resolver.setServers([options.resolver]);
    const cancel = () => resolver.cancel();
    signal.addEventListener("abort", cancel, { once: true });
    try {
      return family === 6
        ? await resolver.resolve6(options.name)
        : await resolver.resolve4(options.name);
    } finally {
      signal.removeEventListener("abort", cancel);
    }
  }

  return {
    id,
    kind: "dns",
    async run(signal) {
      const at = options.clock.now();
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(Object.assign(new Error("timed out"), { code: "ETIMEOUT" })),
            options.timeoutMs,
          );
        });
        const addresses = await Promise.race([resolve(signal), timeout]);
        const latency = performance.now() - started;
        const expected = options.expectAddresses;
        if (expected !== undefined && !addresses.some((a) => expected.includes(a))) {
          return probeResult(id, "DNS_FAILURE", at, latency, `resolves to ${addresses.join(", ")}`);
        }
        if (addresses.length === 0)
          return probeResult(id, "DNS_FAILURE", at, latency, "no address");
        return probeResult(id, "OK", at, latency, addresses.join(", "));
      } catch (error) {
        if (signal.aborted) return probeResult(id, "UNKNOWN", at, null, "cancelled");
        return probeResult(id, "DNS_FAILURE", at, null, describeError(error));
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

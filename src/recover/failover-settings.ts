import type { DeepReadonly } from "../config/deep-freeze.js";
import type { EnvironmentConfig } from "../model/config.js";
import { parseDuration } from "../model/duration.js";
import { BugError } from "../model/errors.js";
import type { FailoverSettings } from "./recovery-deps.js";

/**
 * The failover steps an environment's config asks for (docs/failover.md): `recovery.verify`
 * (default: the path of the first `health[].http` check, on the recovered load balancer), the
 * `dns` records, `recovery.fence`, `recovery.approvalTimeout`.
 */
export function failoverSettingsOf(environment: DeepReadonly<EnvironmentConfig>): FailoverSettings {
  const verify = environment.recovery.verify;
  const fallback = verify ? undefined : verifyFromHealth(environment);
  const dns = environment.dns;
  return {
    sourceConnection: environment.source,
    ...(verify
      ? {
          verify: {
            url: verify.url,
            ...(verify.expectStatus === undefined ? {} : { expectStatus: verify.expectStatus }),
            ...(verify.bodyContains === undefined ? {} : { bodyContains: verify.bodyContains }),
            timeoutSeconds: seconds(verify.timeout),
            everySeconds: seconds(verify.every),
          },
        }
      : fallback
        ? { verify: fallback }
        : {}),
    ...(dns
      ? {
          dns: {
            zone: dns.zone,
            records: [...dns.records],
            ...(dns.loadBalancer === undefined ? {} : { loadBalancer: dns.loadBalancer }),
            ...(dns.ttl === undefined ? {} : { ttlSeconds: seconds(dns.ttl) }),
            ...(dns.lowerTtl === undefined ? {} : { lowerTtlSeconds: seconds(dns.lowerTtl) }),
          },
        }
      : {}),
    fence: environment.recovery.fence,
    approvalTimeoutSeconds: seconds(environment.recovery.approvalTimeout),
  };
}

/** `https://shop.example.com/health` → `https://{dnsName}/health`, with its expected status. */
function verifyFromHealth(environment: DeepReadonly<EnvironmentConfig>) {
  const http = environment.health.find((h) => h.http)?.http;
  if (!http) return undefined;
  const url = new URL(http.url);
  return {
    url: `${url.protocol}//{dnsName}${url.pathname}${url.search}`,
    ...(http.expectStatus === undefined ? {} : { expectStatus: http.expectStatus }),
    timeoutSeconds: 600,
    everySeconds: 10,
  };
}

function seconds(duration: string): number {
  const ms = parseDuration(duration);
  if (ms === undefined)
    throw new BugError(`a validated config has a malformed duration ${duration}`);
  return Math.ceil(ms / 1000);
}

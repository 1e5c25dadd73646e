import type { Clock } from "../model/clock.js";
import { parseDuration } from "../model/config.js";
import { LifeboatError } from "../model/errors.js";
import { normalizeFailoverPolicy, type FailoverPolicy } from "../model/failover-policy.js";
import type { Provider } from "../providers/provider.js";
import { dnsProbe } from "./dns-probe.js";
import { heartbeatProbe, replicationProbe, type NewestAt } from "./freshness-probe.js";
import { httpProbe, type ExpectedStatus } from "./http-probe.js";
import { providerProbe } from "./provider-probe.js";
import type { ScheduledProbe } from "./probe.js";
import { tcpProbe } from "./tcp-probe.js";

/*
 * The `health` and `failover` keys of an environment, as the watcher reads them: structurally
 * the types of src/model/config.ts (docs/config.md, `health[i]`), so the watcher can also be
 * built from values that did not come from a config file (tests, the API).
 */

interface Scheduled {
  readonly id?: string;
  readonly every: string;
  readonly timeout?: string;
}
export interface HealthCheckInput {
  readonly http?: Scheduled & {
    readonly url: string;
    readonly expectStatus?: ExpectedStatus;
    readonly bodyContains?: string;
    readonly bodyMatches?: string;
    readonly slowerThan?: string;
  };
  readonly tcp?: Scheduled & {
    readonly host: string;
    readonly port: number;
    readonly slowerThan?: string;
  };
  readonly dns?: Scheduled & {
    readonly name: string;
    readonly resolver?: string;
    readonly recordType?: "A" | "AAAA";
    readonly expectAddresses?: readonly string[];
  };
  readonly heartbeat?: Scheduled & { readonly agent: string; readonly maxAge: string };
  readonly replication?: Scheduled;
  /** `connection` names an entry of `providers:` (default: the environment's `source`). */
  readonly provider?: Scheduled & { readonly connection?: string };
}

export interface EnvironmentWatchInput {
  readonly health: readonly HealthCheckInput[];
  readonly failover: unknown;
  readonly protect: readonly { readonly rpo: string }[];
  readonly source: string;
}

export interface WatchSources {
  readonly clock: Clock;
  /** Newest heartbeat of an agent (the API records them). */
  readonly newestHeartbeat: (agent: string) => NewestAt;
  /** Newest complete recovery point of the environment. */
  readonly newestRecoveryPoint: NewestAt;
  /** The provider connection of that name (config `providers:`). */
  readonly provider: (connection: string) => Pick<Provider, "status">;
}

const defaultTimeout = "5s";

function ms(text: string | undefined, key: string): number | undefined {
  if (text === undefined) return undefined;
  const value = parseDuration(text);
  if (value === undefined || value <= 0) {
    throw new LifeboatError("LB_CONFIG_INVALID", `${key}: "${text}" is not a duration`);
  }
  return value;
}

/** The environment's RPO budget: the smallest `protect[].rpo`; null when nothing is protected. */
export function rpoBudgetMs(protect: EnvironmentWatchInput["protect"]): number | null {
  const budgets = protect.map((p, i) => ms(p.rpo, `protect.${i}.rpo`) ?? 0);
  return budgets.length === 0 ? null : Math.min(...budgets);
}

function probeFor(
  check: HealthCheckInput,
  at: string,
  env: string,
  budget: number | null,
  source: string,
  sources: WatchSources,
): ScheduledProbe {
  const { clock } = sources;
  const timing = (s: Scheduled, key: string) => ({
    everyMs: ms(s.every, `${at}.${key}.every`) ?? 0,
    timeoutMs: ms(s.timeout ?? defaultTimeout, `${at}.${key}.timeout`) ?? 0,
  });
  const id = (s: Scheduled) => (s.id === undefined ? {} : { id: s.id });
  if (check.http !== undefined) {
    const { everyMs, timeoutMs } = timing(check.http, "http");
    const h = check.http;
    const probe = httpProbe({
      ...id(h),
      url: h.url,
      timeoutMs,
      clock,
      ...(h.expectStatus === undefined ? {} : { expectStatus: h.expectStatus }),
      ...(h.bodyContains === undefined ? {} : { bodyContains: h.bodyContains }),
      ...(h.bodyMatches === undefined ? {} : { bodyMatches: new RegExp(h.bodyMatches) }),
      ...(h.slowerThan === undefined
        ? {}
        : { slowerThanMs: ms(h.slowerThan, `${at}.http.slowerThan`) }),
    });
    return { probe, everyMs };
  }
  if (check.tcp !== undefined) {
    const { everyMs, timeoutMs } = timing(check.tcp, "tcp");
    const t = check.tcp;
    const slower = ms(t.slowerThan, `${at}.tcp.slowerThan`);
    const probe = tcpProbe({
      ...id(t),
      host: t.host,
      port: t.port,
      timeoutMs,
      clock,
      ...(slower === undefined ? {} : { slowerThanMs: slower }),
    });
    return { probe, everyMs };
  }
  if (check.dns !== undefined) {
    const { everyMs, timeoutMs } = timing(check.dns, "dns");
    const d = check.dns;
    const probe = dnsProbe({
      ...id(d),
      name: d.name,
      timeoutMs,
      clock,
      ...(d.resolver === undefined ? {} : { resolver: d.resolver }),
      ...(d.recordType === undefined ? {} : { recordType: d.recordType }),
      ...(d.expectAddresses === undefined ? {} : { expectAddresses: d.expectAddresses }),
    });
    return { probe, everyMs };
  }
  if (check.heartbeat !== undefined) {
    const b = check.heartbeat;
    const probe = heartbeatProbe({
      ...id(b),
      agent: b.agent,
      maxAgeMs: ms(b.maxAge, `${at}.heartbeat.maxAge`) ?? 0,
      newestHeartbeat: sources.newestHeartbeat(b.agent),
      clock,
    });
    return { probe, everyMs: timing(b, "heartbeat").everyMs };
  }
  if (check.replication !== undefined) {
    if (budget === null) {
      throw new LifeboatError(
        "LB_CONFIG_INVALID",
        `${at}.replication: the environment protects nothing, so it has no RPO budget to check`,
      );
    }
    const probe = replicationProbe({
      ...id(check.replication),
      environment: env,
      rpoBudgetMs: budget,
      newestRecoveryPoint: sources.newestRecoveryPoint,
      clock,
    });
    return { probe, everyMs: timing(check.replication, "replication").everyMs };
  }
  if (check.provider !== undefined) {
    const { everyMs, timeoutMs } = timing(check.provider, "provider");
    const name = check.provider.connection ?? source;
    const probe = providerProbe({
      ...id(check.provider),
      name,
      provider: sources.provider(name),
      timeoutMs,
      clock,
    });
    return { probe, everyMs };
  }
  throw new LifeboatError("LB_CONFIG_INVALID", `${at}: names no probe kind`);
}

/**
 * Builds an environment's probes and failover policy from its config. Throws
 * `LB_CONFIG_INVALID` (naming the key) for a value the schema let through but the watcher cannot
 * use. Probe ids default to `<kind>:<target>`.
 */
export function watchFromConfig(
  environment: string,
  input: EnvironmentWatchInput,
  sources: WatchSources,
): { probes: ScheduledProbe[]; policy: FailoverPolicy } {
  const budget = rpoBudgetMs(input.protect);
  const probes = input.health.map((check, i) =>
    probeFor(
      check,
      `environments.${environment}.health.${i}`,
      environment,
      budget,
      input.source,
      sources,
    ),
  );
  let policy: FailoverPolicy;
  try {
    policy = normalizeFailoverPolicy(input.failover, budget);
  } catch (error) {
    throw new LifeboatError(
      "LB_CONFIG_INVALID",
      `environments.${environment}.failover is invalid`,
      {
        cause: error,
      },
    );
  }
  return { probes, policy };
}

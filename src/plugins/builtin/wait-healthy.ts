import { z } from "zod";
import type { Clock } from "../../model/clock.js";
import { parseDuration } from "../../model/duration.js";
import { LifeboatError } from "../../model/errors.js";
import type { ProbeResult } from "../../model/probe-status.js";
import type { LocalTarget, WorkflowTarget } from "../../model/workflow-target.js";
import { dnsProbe } from "../../watch/dns-probe.js";
import { httpProbe } from "../../watch/http-probe.js";
import type { Probe } from "../../watch/probe.js";
import { tcpProbe } from "../../watch/tcp-probe.js";
import { definePlugin, PLUGIN_API_VERSION, type PluginContext } from "../plugin-api.js";

const duration = z.string().refine((text) => (parseDuration(text) ?? 0) > 0, "is not a duration");

const http = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(["GET", "HEAD"]).default("GET"),
  headers: z.record(z.string(), z.string()).default({}),
  /** One status; default any 2xx or 3xx. */
  expectStatus: z.number().int().min(100).max(599).optional(),
  bodyContains: z.string().min(1).optional(),
});
const tcp = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
});
const dns = z.strictObject({
  name: z.string().min(1),
  recordType: z.enum(["A", "AAAA"]).default("A"),
  /** A DNS server `ip` or `ip:port`; default the system resolver. */
  resolver: z.string().min(1).optional(),
  expectAddresses: z.array(z.string().min(1)).min(1).optional(),
});

const params = z
  .strictObject({
    http: http.optional(),
    tcp: tcp.optional(),
    dns: dns.optional(),
    /** Give up after this long (`LB_WAIT_HEALTHY_TIMEOUT`). */
    timeout: duration.default("5m"),
    /** Pause between probes. */
    every: duration.default("2s"),
    /** One probe's own time limit. */
    probeTimeout: duration.default("5s"),
    /** Consecutive healthy answers needed (a flapping service is not healthy). */
    healthyAfter: z.number().int().min(1).max(100).default(1),
  })
  .refine(
    (p) => [p.http, p.tcp, p.dns].filter((probe) => probe !== undefined).length === 1,
    "needs exactly one of http, tcp, dns",
  );
type Params = z.infer<typeof params>;

const ms = (text: string) => parseDuration(text) ?? 0;

/** The watch probe the parameters describe (src/watch: the same checks `lifeboat watch` runs). */
function probeFor(p: Params, clock: Clock): Probe {
  const timeoutMs = ms(p.probeTimeout);
  if (p.http) {
    return httpProbe({
      url: p.http.url,
      method: p.http.method,
      headers: p.http.headers,
      ...(p.http.expectStatus === undefined ? {} : { expectStatus: p.http.expectStatus }),
      ...(p.http.bodyContains === undefined ? {} : { bodyContains: p.http.bodyContains }),
      timeoutMs,
      clock,
    });
  }
  if (p.tcp) return tcpProbe({ host: p.tcp.host, port: p.tcp.port, timeoutMs, clock });
  if (p.dns) {
    return dnsProbe({
      name: p.dns.name,
      recordType: p.dns.recordType,
      ...(p.dns.resolver === undefined ? {} : { resolver: p.dns.resolver }),
      ...(p.dns.expectAddresses === undefined ? {} : { expectAddresses: p.dns.expectAddresses }),
      timeoutMs,
      clock,
    });
  }
  throw new LifeboatError("LB_INVALID_INPUT", "wait-healthy needs one of http, tcp, dns");
}

/** The latest result per running step, for `progress`. */
const latest = new Map<string, { attempts: number; result: ProbeResult }>();

/** `OK`, or `DEGRADED` (a correct answer, only slow), counts as healthy. */
const healthy = (result: ProbeResult) => result.code === "OK" || result.code === "DEGRADED";

/**
 * `wait-healthy`: runs one watch probe (http, tcp or dns) every `every` until it answers healthy
 * `healthyAfter` times in a row, or fails with `LB_WAIT_HEALTHY_TIMEOUT` after `timeout` (the
 * details hold the last status). Only reads, so running it again is harmless.
 */
export const waitHealthyPlugin = definePlugin<Params, LocalTarget>({
  name: "lifeboat.action.wait-healthy",
  apiVersion: PLUGIN_API_VERSION,
  action: "wait-healthy",
  description: "Probe an endpoint (http, tcp, dns) until it is healthy",
  configSchema: params,
  appliesTo: (t: WorkflowTarget): t is LocalTarget => t.kind === "local",
  async execute(ctx) {
    try {
      return await waitHealthy(ctx);
    } finally {
      latest.delete(ctx.idempotencyKey);
    }
  },
  progress(ctx) {
    const seen = latest.get(ctx.idempotencyKey);
    return (
      seen &&
      `${seen.result.probeId}: ${seen.result.code} (${seen.result.detail}), probe ${seen.attempts}`
    );
  },
});

async function waitHealthy(ctx: PluginContext<Params>): Promise<Record<string, unknown>> {
  const probe = probeFor(ctx.params, ctx.clock);
  const started = ctx.clock.now().getTime();
  const deadline = started + ms(ctx.params.timeout);
  let streak = 0;
  for (let attempts = 1; ; attempts++) {
    const result = await probe.run(ctx.signal);
    if (ctx.signal.aborted)
      throw new LifeboatError("LB_CANCELLED", `wait-healthy ${probe.id} was stopped`);
    latest.set(ctx.idempotencyKey, { attempts, result });
    streak = healthy(result) ? streak + 1 : 0;
    const summary = { probe: probe.id, attempts, status: result.code, detail: result.detail };
    if (streak >= ctx.params.healthyAfter) {
      return { ...summary, waitedMs: ctx.clock.now().getTime() - started };
    }
    const pause = ms(ctx.params.every);
    if (ctx.clock.now().getTime() + pause > deadline) {
      throw new LifeboatError(
        "LB_WAIT_HEALTHY_TIMEOUT",
        `${probe.id} was not healthy within ${ctx.params.timeout}: last ${result.code} (${result.detail})`,
        { details: { ...summary, timeout: ctx.params.timeout } },
      );
    }
    await ctx.clock.sleep(pause, ctx.signal);
  }
}

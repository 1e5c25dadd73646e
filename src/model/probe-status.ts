import { z } from "zod";

/**
 * The status catalogue: every probe result carries one of these codes. It is documented data
 * (docs/watch.md prints the same table); failover rules name these codes.
 */

/** How bad a status is. `info` is healthy; `critical` can justify moving traffic. */
export const probeSeverities = ["info", "warning", "critical"] as const;
export type ProbeSeverity = (typeof probeSeverities)[number];

interface StatusEntry {
  readonly severity: ProbeSeverity;
  readonly meaning: string;
}

const status = (severity: ProbeSeverity, meaning: string): StatusEntry => ({ severity, meaning });

export const probeStatusCatalogue = {
  OK: status("info", "The target answered as expected within its latency bound."),
  DEGRADED: status("warning", "The target answered correctly but slower than its latency bound."),
  APP_DOWN: status(
    "critical",
    "The host accepts connections but the application timed out or answered wrongly.",
  ),
  HOST_DOWN: status("critical", "Nothing accepts connections at the target address."),
  DNS_FAILURE: status("critical", "The name does not resolve, or not to the expected addresses."),
  REGION_UNREACHABLE: status(
    "critical",
    "The provider's API for the source region does not answer (provider status probe).",
  ),
  REPLICATION_STALLED: status(
    "warning",
    "The newest recovery point is older than the environment's RPO budget.",
  ),
  HEARTBEAT_LOST: status(
    "critical",
    "The agent's newest heartbeat is older than its bound, or none was ever received.",
  ),
  UNKNOWN: status(
    "warning",
    "The probe could not decide (its own input was unavailable or it was cancelled).",
  ),
} as const satisfies Record<string, StatusEntry>;

export type ProbeStatusCode = keyof typeof probeStatusCatalogue;
export const probeStatusCodes = Object.keys(probeStatusCatalogue) as [
  ProbeStatusCode,
  ...ProbeStatusCode[],
];
export const probeStatusCodeSchema = z.enum(probeStatusCodes);

/** The kinds of probe; `provider` arrives with the provider port. */
export const probeKinds = ["http", "tcp", "dns", "heartbeat", "replication", "provider"] as const;
export type ProbeKind = (typeof probeKinds)[number];

/** One observation of one probe. Probes never throw for target failures; they return this. */
export interface ProbeResult {
  /** Stable id of the probe within its environment (e.g. `http:https://shop.example.com/health`). */
  readonly probeId: string;
  readonly code: ProbeStatusCode;
  /** Always the catalogue's severity for `code`. */
  readonly severity: ProbeSeverity;
  /** When the probe started, from the injected clock. */
  readonly at: Date;
  /** Round-trip time; null when the probe did not reach the target or measures no latency. */
  readonly latencyMs: number | null;
  /** One line for humans: what was seen (`status 503`, `connect ECONNREFUSED`, `age 12m`). */
  readonly detail: string;
}

/** Builds a result with the catalogue severity for `code`. */
export function probeResult(
  probeId: string,
  code: ProbeStatusCode,
  at: Date,
  latencyMs: number | null,
  detail: string,
): ProbeResult {
  const rounded = latencyMs === null ? null : Math.round(latencyMs * 10) / 10;
  return {
    probeId,
    code,
    severity: probeStatusCatalogue[code].severity,
    at,
    latencyMs: rounded,
    detail,
  };
}

/** The JSON form of a result, as recorded in events and sent to webhooks. */
export const probeResultJsonSchema = z.strictObject({
  probeId: z.string().min(1),
  code: probeStatusCodeSchema,
  severity: z.enum(probeSeverities),
  at: z.iso.datetime(),
  latencyMs: z.number().nonnegative().nullable(),
  detail: z.string(),
});
export type ProbeResultJson = z.infer<typeof probeResultJsonSchema>;

export function probeResultToJson(result: ProbeResult): ProbeResultJson {
  return { ...result, at: result.at.toISOString() };
}

export function probeResultFromJson(json: ProbeResultJson): ProbeResult {
  return { ...json, at: new Date(json.at) };
}

import { z } from "zod";
import { durationSchemaWith, parseDuration } from "./duration.js";
import {
  probeResultJsonSchema,
  probeStatusCatalogue,
  probeStatusCodeSchema,
  probeStatusCodes,
  type ProbeResult,
  type ProbeStatusCode,
} from "./probe-status.js";

/*
 * The failover policy: which probe statuses, sustained how long and seen by how many independent
 * probes, lead to which action (docs/watch.md explains the semantics with examples). This file
 * holds the schemas and types only; src/watch evaluates them.
 */

/** What the watcher does when a rule is met, weakest first. Same names as the config's. */
export const watchActions = ["alert", "failover-with-approval", "auto-failover"] as const;
export type WatchAction = (typeof watchActions)[number];

/** Orders actions: a new action in an open incident must outrank the one already taken. */
export function actionRank(action: WatchAction): number {
  return watchActions.indexOf(action);
}

const duration = durationSchemaWith((value) => JSON.stringify(value) ?? String(value));

const quorumSchema = z.union([z.number().int().min(1), z.enum(["majority", "all"])]);
export type Quorum = z.infer<typeof quorumSchema>;

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day as HH:MM");
export const weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof weekdays)[number];

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  {
    error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone (e.g. Europe/Paris)`,
  },
);

/** A one-off window (`start`/`end`, ISO 8601 with offset) or a weekly one (`days`, `from`, `to`). */
export const maintenanceWindowSchema = z.union([
  z
    .strictObject({
      start: z.iso.datetime({ offset: true }),
      end: z.iso.datetime({ offset: true }),
      reason: z.string().optional(),
    })
    .refine((w) => Date.parse(w.end) > Date.parse(w.start), "end must be after start"),
  z.strictObject({
    days: z.array(z.enum(weekdays)).min(1, "must list at least one day"),
    /** Inclusive start time of day; a `to` at or before `from` ends on the next day. */
    from: clockTime,
    to: clockTime,
    timeZone: timeZone.default("UTC"),
    reason: z.string().optional(),
  }),
]);
export type MaintenanceWindow = z.infer<typeof maintenanceWindowSchema>;

const ruleSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "must be a short name"),
  codes: z.array(probeStatusCodeSchema).min(1, "must list at least one status code"),
  /** Probe ids the rule listens to; absent: every probe of the environment. */
  probes: z.array(z.string().min(1)).min(1).optional(),
  after: z.number().int().min(1).optional(),
  for: duration.optional(),
  quorum: quorumSchema.default("majority"),
  action: z.enum(watchActions),
});

/**
 * The `failover:` key of an environment. The shorthand (`action`, `after`, optional `for`,
 * `codes`, `quorum`) is one rule; `rules` lists several instead. Proposed for
 * src/model/config.ts in place of its `{ action, after }` object, which stays valid.
 */
export const failoverPolicySchema = z
  .strictObject({
    action: z.enum(watchActions).optional(),
    after: z.number().int().min(1).optional(),
    for: duration.optional(),
    codes: z.array(probeStatusCodeSchema).min(1).optional(),
    quorum: quorumSchema.optional(),
    rules: z.array(ruleSchema).min(1).optional(),
    recoverAfter: z.number().int().min(1).default(3),
    cooldown: duration.default("30m"),
    maintenance: z.array(maintenanceWindowSchema).default([]),
  })
  .superRefine((value, ctx) => {
    const shorthand = ["action", "after", "for", "codes", "quorum"].filter(
      (key) => (value as Record<string, unknown>)[key] !== undefined,
    );
    if (value.rules !== undefined && shorthand.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `use either rules or the shorthand keys (${shorthand.join(", ")}), not both`,
      });
    } else if (value.rules === undefined && value.action === undefined) {
      ctx.addIssue({ code: "custom", message: "needs action (with after) or rules" });
    }
    const names = (value.rules ?? []).map((rule) => rule.name);
    const twice = names.find((name, i) => names.indexOf(name) !== i);
    if (twice !== undefined) {
      ctx.addIssue({ code: "custom", message: `rule name "${twice}" is used twice` });
    }
  });
export type FailoverPolicyConfig = z.input<typeof failoverPolicySchema>;

/** One rule, normalised: durations in milliseconds, defaults applied. */
export interface FailoverRule {
  readonly name: string;
  readonly codes: readonly ProbeStatusCode[];
  /** Probe ids listened to; null means every probe of the environment. */
  readonly probes: readonly string[] | null;
  /** Consecutive matching results each probe needs. */
  readonly after: number;
  /** How long each probe must have been matching without interruption; 0 for no bound. */
  readonly forMs: number;
  readonly quorum: Quorum;
  readonly action: WatchAction;
}

/** The policy the watcher evaluates. */
export interface FailoverPolicy {
  readonly rules: readonly FailoverRule[];
  /** Consecutive OK results every probe in an incident's evidence needs before it clears. */
  readonly recoverAfter: number;
  /** After an action, the same or a weaker action is not taken again for this long. */
  readonly cooldownMs: number;
  readonly maintenance: readonly MaintenanceWindow[];
  /** The environment's RPO budget (smallest `protect[].rpo`); null when nothing is protected. */
  readonly rpoBudgetMs: number | null;
}

/** Status codes the shorthand rule reacts to: every critical code. */
export const defaultFailoverCodes: readonly ProbeStatusCode[] = probeStatusCodes.filter(
  (code) => probeStatusCatalogue[code].severity === "critical",
);

/**
 * Validates a `failover:` value and normalises it into a {@link FailoverPolicy}. Invalid input
 * throws zod's error (the config loader reports it by key path); `rpoBudgetMs` is the
 * environment's smallest `protect[].rpo`, or null when nothing is protected.
 */
export function normalizeFailoverPolicy(
  input: unknown,
  rpoBudgetMs: number | null = null,
): FailoverPolicy {
  const config = failoverPolicySchema.parse(input);
  const ms = (text: string | undefined) => (text === undefined ? 0 : (parseDuration(text) ?? 0));
  const rules: FailoverRule[] =
    config.rules?.map((rule) => ({
      name: rule.name,
      codes: rule.codes,
      probes: rule.probes ?? null,
      after: rule.after ?? (rule.for === undefined ? 3 : 1),
      forMs: ms(rule.for),
      quorum: rule.quorum,
      action: rule.action,
    })) ?? [];
  if (config.rules === undefined && config.action !== undefined) {
    rules.push({
      name: "default",
      codes: config.codes ?? defaultFailoverCodes,
      probes: null,
      after: config.after ?? (config.for === undefined ? 3 : 1),
      forMs: ms(config.for),
      quorum: config.quorum ?? "majority",
      action: config.action,
    });
  }
  return {
    rules,
    recoverAfter: config.recoverAfter,
    cooldownMs: ms(config.cooldown),
    maintenance: config.maintenance,
    rpoBudgetMs,
  };
}

/** Why a decision came out the way it did; `code` is stable, `detail` is for humans. */
export const decisionReasonCodes = [
  "RULE_MET", // quorum of probes in breach of the rule
  "ESCALATED", // a stronger rule was met while an incident was open
  "RECOVERY_POINT_STALE", // auto-failover downgraded: newest recovery point older than the RPO budget
  "RECOVERY_POINT_MISSING", // auto-failover downgraded: no recovery point at all (or unreadable)
  "MAINTENANCE", // suppressed: inside a maintenance window
  "COOLDOWN", // suppressed: the same or a stronger action was taken within the cooldown
  "RECOVERED", // every probe of the incident has enough consecutive OKs
] as const;
export type DecisionReasonCode = (typeof decisionReasonCodes)[number];

export interface DecisionReason {
  readonly code: DecisionReasonCode;
  readonly detail: string;
}

/** `action`: act now. `suppressed`: would have acted. `recovered`: the incident is over. */
export const decisionKinds = ["action", "suppressed", "recovered"] as const;
export type DecisionKind = (typeof decisionKinds)[number];

/** A decision of the watcher, recorded with its evidence and sent to alert channels. */
export interface WatchDecision {
  readonly environment: string;
  /** Stable id of the incident the decision belongs to (`<env>@<opened-at ISO>`). */
  readonly incidentId: string;
  readonly at: Date;
  readonly kind: DecisionKind;
  /** The action taken (`action`) or withheld (`suppressed`); null for `recovered`. */
  readonly action: WatchAction | null;
  /** The rule's own action, before the recovery-point guard; null for `recovered`. */
  readonly requestedAction: WatchAction | null;
  readonly rule: string | null;
  readonly reasons: readonly DecisionReason[];
  /** The probe results that led to the decision, oldest first. */
  readonly evidence: readonly ProbeResult[];
  /** How many independent probes were in breach, of how many needed. */
  readonly quorum: { readonly required: number; readonly met: number } | null;
  /** What the recovery-point guard saw; null when it was not consulted. */
  readonly recoveryPoint: {
    readonly newestAt: Date | null;
    readonly budgetMs: number;
  } | null;
}

/** The JSON form of a decision (events table `data_json`, webhook body `decision`). */
export const watchDecisionJsonSchema = z.strictObject({
  environment: z.string(),
  incidentId: z.string(),
  at: z.iso.datetime(),
  kind: z.enum(decisionKinds),
  action: z.enum(watchActions).nullable(),
  requestedAction: z.enum(watchActions).nullable(),
  rule: z.string().nullable(),
  reasons: z.array(z.strictObject({ code: z.enum(decisionReasonCodes), detail: z.string() })),
  evidence: z.array(probeResultJsonSchema),
  quorum: z.strictObject({ required: z.number().int(), met: z.number().int() }).nullable(),
  recoveryPoint: z
    .strictObject({ newestAt: z.iso.datetime().nullable(), budgetMs: z.number() })
    .nullable(),
});
export type WatchDecisionJson = z.infer<typeof watchDecisionJsonSchema>;

export function watchDecisionToJson(decision: WatchDecision): WatchDecisionJson {
  return {
    ...decision,
    at: decision.at.toISOString(),
    reasons: [...decision.reasons],
    evidence: decision.evidence.map((r) => ({ ...r, at: r.at.toISOString() })),
    quorum: decision.quorum && { ...decision.quorum },
    recoveryPoint: decision.recoveryPoint && {
      newestAt: decision.recoveryPoint.newestAt?.toISOString() ?? null,
      budgetMs: decision.recoveryPoint.budgetMs,
    },
  };
}

export function watchDecisionFromJson(json: WatchDecisionJson): WatchDecision {
  return {
    ...json,
    at: new Date(json.at),
    evidence: json.evidence.map((r) => ({ ...r, at: new Date(r.at) })),
    recoveryPoint: json.recoveryPoint && {
      newestAt: json.recoveryPoint.newestAt === null ? null : new Date(json.recoveryPoint.newestAt),
      budgetMs: json.recoveryPoint.budgetMs,
    },
  };
}

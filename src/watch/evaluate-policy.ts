import {
  actionRank,
  type DecisionReason,
  type FailoverPolicy,
  type FailoverRule,
  type WatchAction,
  type WatchDecision,
} from "../model/failover-policy.js";
import type { ProbeResult } from "../model/probe-status.js";
import { activeMaintenanceWindow, describeWindow } from "./maintenance.js";
import { ruleProbes, requiredQuorum } from "./policy-check.js";
import {
  emptyStreak,
  evidenceCap,
  type Incident,
  type PolicyState,
  type RuleStreak,
} from "./policy-state.js";

/** What the recovery-point guard knows: the newest point's time, null when there is none. */
export interface RecoveryPointView {
  readonly newestAt: Date | null;
}

export interface Observation {
  readonly environment: string;
  readonly result: ProbeResult;
  /** Evaluation time, from the injected clock (durations, windows and cooldowns use it). */
  readonly now: Date;
  /** Consulted only before an auto-failover; undefined means it could not be read. */
  readonly recoveryPoint?: RecoveryPointView;
}

export interface PolicyStep {
  readonly state: PolicyState;
  readonly decisions: readonly WatchDecision[];
}

const push = <T>(list: readonly T[], item: T): T[] => [...list, item].slice(-evidenceCap);

interface Breach {
  readonly rule: FailoverRule;
  readonly probes: readonly string[];
  readonly required: number;
}

function breachOf(rule: FailoverRule, state: PolicyState, now: Date): Breach | undefined {
  const listened = ruleProbes(rule, state.probeIds);
  const probes = listened.filter((id) => {
    const streak = state.streaks[rule.name]?.[id] ?? emptyStreak;
    return (
      streak.count >= rule.after &&
      streak.since !== null &&
      now.getTime() - streak.since.getTime() >= rule.forMs
    );
  });
  const required = requiredQuorum(rule.quorum, listened.length);
  return listened.length > 0 && probes.length >= required ? { rule, probes, required } : undefined;
}

/** Applies the recovery-point guard: auto-failover needs a point within the RPO budget. */
function guard(
  action: WatchAction,
  policy: FailoverPolicy,
  observation: Observation,
): { action: WatchAction; reason?: DecisionReason } {
  if (action !== "auto-failover" || policy.rpoBudgetMs === null) return { action };
  const newest = observation.recoveryPoint?.newestAt ?? null;
  if (newest === null) {
    const detail = observation.recoveryPoint === undefined ? "unreadable" : "none exists";
    return {
      action: "failover-with-approval",
      reason: { code: "RECOVERY_POINT_MISSING", detail: `newest recovery point: ${detail}` },
    };
  }
  const age = observation.now.getTime() - newest.getTime();
  if (age <= policy.rpoBudgetMs) return { action };
  return {
    action: "failover-with-approval",
    reason: {
      code: "RECOVERY_POINT_STALE",
      detail: `newest recovery point is ${Math.round(age / 1000)}s old, RPO budget ${Math.round(policy.rpoBudgetMs / 1000)}s`,
    },
  };
}

/**
 * The failover policy as a pure function: feeds one probe result into `state` and returns the
 * next state with the decisions it implies (docs/watch.md, "Policy semantics"). Deterministic:
 * time comes only from `observation.now` and the results' `at`.
 */
export function evaluatePolicy(
  policy: FailoverPolicy,
  previous: PolicyState,
  observation: Observation,
): PolicyStep {
  const { result, now } = observation;
  const window = activeMaintenanceWindow(policy.maintenance, now);
  // Evidence gathered during a window does not carry past its end: acting needs fresh evidence.
  const streaks: Record<string, Readonly<Record<string, RuleStreak>>> = previous.inMaintenance &&
  window === undefined
    ? {}
    : { ...previous.streaks };

  const track = previous.probes[result.probeId] ?? { latest: null, okStreak: 0, recentOk: [] };
  const ok = result.code === "OK";
  const probes = {
    ...previous.probes,
    [result.probeId]: {
      latest: result,
      okStreak: ok ? track.okStreak + 1 : 0,
      recentOk: ok ? push(track.recentOk, result) : [],
    },
  };
  for (const rule of policy.rules) {
    if (!ruleProbes(rule, previous.probeIds).includes(result.probeId)) continue;
    const old = streaks[rule.name]?.[result.probeId] ?? emptyStreak;
    const next: RuleStreak = rule.codes.includes(result.code)
      ? { count: old.count + 1, since: old.since ?? result.at, recent: push(old.recent, result) }
      : emptyStreak;
    streaks[rule.name] = { ...streaks[rule.name], [result.probeId]: next };
  }
  let state: PolicyState = { ...previous, probes, streaks, inMaintenance: window !== undefined };

  const breaches = policy.rules
    .map((rule) => breachOf(rule, state, now))
    .filter((b): b is Breach => b !== undefined);
  const strongest = breaches.reduce<Breach | undefined>(
    (best, b) =>
      best === undefined || actionRank(b.rule.action) > actionRank(best.rule.action) ? b : best,
    undefined,
  );

  if (strongest === undefined) return recoverIfDone(policy, state, observation);

  const incident: Incident = state.incident ?? {
    id: `${observation.environment}@${now.toISOString()}`,
    openedAt: now,
    probes: [],
    requested: null,
    suppressed: [],
  };
  const withProbes: Incident = {
    ...incident,
    probes: [...new Set([...incident.probes, ...strongest.probes])],
  };
  state = { ...state, incident: withProbes };
  const requested = strongest.rule.action;
  // One incident, one action: only a stronger rule than any acted on yields a new decision.
  if (withProbes.requested !== null && actionRank(requested) <= actionRank(withProbes.requested)) {
    return { state, decisions: [] };
  }
  const guarded = guard(requested, policy, observation);
  const evidence = strongest.probes
    .flatMap((id) => state.streaks[strongest.rule.name]?.[id]?.recent ?? [])
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const base = {
    environment: observation.environment,
    incidentId: withProbes.id,
    at: now,
    action: guarded.action,
    requestedAction: requested,
    rule: strongest.rule.name,
    evidence,
    quorum: { required: strongest.required, met: strongest.probes.length },
    recoveryPoint:
      requested === "auto-failover" && policy.rpoBudgetMs !== null
        ? { newestAt: observation.recoveryPoint?.newestAt ?? null, budgetMs: policy.rpoBudgetMs }
        : null,
  };
  const met: DecisionReason = {
    code: withProbes.requested === null ? "RULE_MET" : "ESCALATED",
    detail: `${strongest.probes.length} probe(s) in breach of rule ${strongest.rule.name} (quorum ${strongest.required})`,
  };
  const reasons = guarded.reason === undefined ? [met] : [met, guarded.reason];

  const cooling =
    state.lastAction !== null &&
    now.getTime() - state.lastAction.at.getTime() < policy.cooldownMs &&
    actionRank(guarded.action) <= actionRank(state.lastAction.action);
  const suppression: DecisionReason | undefined =
    window !== undefined
      ? { code: "MAINTENANCE", detail: `maintenance window ${describeWindow(window)}` }
      : cooling && state.lastAction !== null
        ? {
            code: "COOLDOWN",
            detail: `${state.lastAction.action} taken at ${state.lastAction.at.toISOString()}`,
          }
        : undefined;
  if (suppression !== undefined) {
    const key = `${suppression.code}:${guarded.action}`;
    if (withProbes.suppressed.includes(key)) return { state, decisions: [] };
    state = { ...state, incident: { ...withProbes, suppressed: [...withProbes.suppressed, key] } };
    return {
      state,
      decisions: [{ ...base, kind: "suppressed", reasons: [...reasons, suppression] }],
    };
  }
  state = {
    ...state,
    incident: { ...withProbes, requested },
    lastAction: { action: guarded.action, at: now },
  };
  return { state, decisions: [{ ...base, kind: "action", reasons }] };
}

/** Closes the open incident once every probe in it has `recoverAfter` consecutive OKs. */
function recoverIfDone(
  policy: FailoverPolicy,
  state: PolicyState,
  observation: Observation,
): PolicyStep {
  const incident = state.incident;
  if (incident === null) return { state, decisions: [] };
  const recovered = incident.probes.every(
    (id) => (state.probes[id]?.okStreak ?? 0) >= policy.recoverAfter,
  );
  if (!recovered) return { state, decisions: [] };
  const evidence = incident.probes
    .flatMap((id) => (state.probes[id]?.recentOk ?? []).slice(-policy.recoverAfter))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const decision: WatchDecision = {
    environment: observation.environment,
    incidentId: incident.id,
    at: observation.now,
    kind: "recovered",
    action: null,
    requestedAction: null,
    rule: null,
    reasons: [
      {
        code: "RECOVERED",
        detail: `${incident.probes.length} probe(s) had ${policy.recoverAfter} consecutive OK results`,
      },
    ],
    evidence,
    quorum: null,
    recoveryPoint: null,
  };
  return { state: { ...state, incident: null }, decisions: [decision] };
}

import type { WatchAction } from "../model/failover-policy.js";
import type { ProbeResult } from "../model/probe-status.js";

/** How many results per probe a decision carries as evidence, at most. */
export const evidenceCap = 10;

/** What the policy remembers about one probe. */
export interface ProbeTrack {
  readonly latest: ProbeResult | null;
  /** Consecutive `OK` results up to now. */
  readonly okStreak: number;
  /** The newest OK results (at most {@link evidenceCap}), evidence of a recovery. */
  readonly recentOk: readonly ProbeResult[];
}

/** One probe's uninterrupted run of results matching one rule's codes. */
export interface RuleStreak {
  readonly count: number;
  /** `at` of the first result of the run; null when the run is empty. */
  readonly since: Date | null;
  /** The newest matching results (at most {@link evidenceCap}). */
  readonly recent: readonly ProbeResult[];
}

/** An open incident: from the first time a rule is met until every probe in it has recovered. */
export interface Incident {
  readonly id: string;
  readonly openedAt: Date;
  /** Probes that were in breach at some decision of this incident; recovery waits for them all. */
  readonly probes: readonly string[];
  /** The strongest action a rule asked for and that was acted on (possibly downgraded). */
  readonly requested: WatchAction | null;
  /** Suppressions already recorded (`<reason>:<action>`), so each is recorded once. */
  readonly suppressed: readonly string[];
}

/**
 * The policy's whole memory: plain data, so it can be logged, compared in tests or persisted.
 * {@link evaluatePolicy} returns a new state and never changes the one it is given.
 */
export interface PolicyState {
  readonly probeIds: readonly string[];
  readonly probes: Readonly<Record<string, ProbeTrack>>;
  /** rule name → probe id → streak. */
  readonly streaks: Readonly<Record<string, Readonly<Record<string, RuleStreak>>>>;
  readonly incident: Incident | null;
  /** The last action taken, for the cooldown (it outlives incidents). */
  readonly lastAction: { readonly action: WatchAction; readonly at: Date } | null;
  readonly inMaintenance: boolean;
}

/** A probe with no matching results in a row. */
export const emptyStreak: RuleStreak = { count: 0, since: null, recent: [] };

/** The state before any result has been seen. */
export function initialPolicyState(probeIds: readonly string[]): PolicyState {
  return {
    probeIds: [...probeIds],
    probes: Object.fromEntries(
      probeIds.map((id) => [id, { latest: null, okStreak: 0, recentOk: [] } satisfies ProbeTrack]),
    ),
    streaks: {},
    incident: null,
    lastAction: null,
    inMaintenance: false,
  };
}

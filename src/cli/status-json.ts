import { watchDecisionToJson, type WatchDecisionJson } from "../model/failover-policy.js";
import type { RunRecord } from "../store/runs-repo.js";
import { summarizeDecision } from "../watch/decision-sink.js";
import type { EnvironmentStatusReport } from "../watch/environment-status.js";
import type { RecordedDecision } from "../watch/store-decision-sink.js";

/** A recorded decision in `--json` output: the decision's JSON form plus its event id. */
export type DecisionEventJson = WatchDecisionJson & {
  readonly eventId: number;
  readonly summary: string;
};

export function decisionEventJson(recorded: RecordedDecision): DecisionEventJson {
  return {
    eventId: recorded.eventId,
    summary: summarizeDecision(recorded.decision),
    ...watchDecisionToJson(recorded.decision),
  };
}

/** A run in `status --json`. */
export interface StatusRunJson {
  readonly id: string;
  readonly mode: string;
  readonly phase: string;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** True when it is not ended and no live executor holds its lease (crashed: resume it). */
  readonly orphaned: boolean;
}

/** `--json` output of `lifeboat status <env>` (docs/cli-json.md). */
export interface StatusJson {
  readonly ok: true;
  readonly environment: string;
  readonly now: string;
  readonly status: string;
  readonly recorded: boolean;
  readonly updatedAt: string | null;
  readonly source: { readonly connection: string; readonly region: string | null };
  readonly target: { readonly connection: string; readonly region: string | null };
  readonly capture: {
    readonly version: number;
    readonly capturedAt: string;
    readonly ageMs: number;
    readonly lastSeenAt: string;
    readonly lastSeenAgeMs: number;
    readonly resources: number;
  } | null;
  readonly recoveryPoint: {
    readonly newest: {
      readonly id: string;
      readonly source: string;
      readonly kind: string;
      readonly at: string;
      readonly ageMs: number;
    } | null;
    readonly budgetMs: number | null;
    /** null when there is no budget (nothing protected); false when none was recorded. */
    readonly withinBudget: boolean | null;
  };
  readonly incident: {
    readonly id: string;
    readonly openedAt: string;
    readonly ageMs: number;
    readonly action: string | null;
    readonly requestedAction: string | null;
    readonly decisions: number;
    readonly latest: DecisionEventJson;
  } | null;
  readonly decisions: readonly DecisionEventJson[];
  readonly activeRuns: readonly StatusRunJson[];
  readonly latestRun: StatusRunJson | null;
}

export interface Connection {
  readonly connection: string;
  readonly region: string | null;
}

function runJson(run: RunRecord, now: Date): StatusRunJson {
  const ended = run.finishedAt !== null || ["succeeded", "failed", "cancelled"].includes(run.phase);
  const leased = run.leaseExpiresAt !== null && run.leaseExpiresAt.getTime() > now.getTime();
  return {
    id: run.id,
    mode: run.mode,
    phase: run.phase,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    orphaned: !ended && run.phase !== "pending" && !leased,
  };
}

export function statusJson(
  r: EnvironmentStatusReport,
  where: { readonly source: Connection; readonly target: Connection },
): StatusJson {
  const now = r.now;
  const age = (at: Date) => Math.max(0, now.getTime() - at.getTime());
  const point = r.recoveryPoint.newest;
  const budget = r.recoveryPoint.budgetMs;
  return {
    ok: true,
    environment: r.environment,
    now: now.toISOString(),
    status: r.status,
    recorded: r.recorded,
    updatedAt: r.updatedAt?.toISOString() ?? null,
    source: where.source,
    target: where.target,
    capture: r.capture && {
      version: r.capture.version,
      capturedAt: r.capture.capturedAt.toISOString(),
      ageMs: age(r.capture.capturedAt),
      lastSeenAt: r.capture.lastSeenAt.toISOString(),
      lastSeenAgeMs: age(r.capture.lastSeenAt),
      resources: r.capture.resources,
    },
    recoveryPoint: {
      newest: point && { ...point, at: point.at.toISOString(), ageMs: age(point.at) },
      budgetMs: budget,
      withinBudget: budget === null ? null : point !== null && age(point.at) <= budget,
    },
    incident: r.incident && {
      id: r.incident.id,
      openedAt: r.incident.openedAt.toISOString(),
      ageMs: age(r.incident.openedAt),
      action: r.incident.action,
      requestedAction: r.incident.requestedAction,
      decisions: r.incident.decisions,
      latest: decisionEventJson(r.incident.latest),
    },
    decisions: r.decisions.map(decisionEventJson),
    activeRuns: r.activeRuns.map((run) => runJson(run, now)),
    latestRun: r.latestRun && runJson(r.latestRun, now),
  };
}

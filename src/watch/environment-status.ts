import type { Clock } from "../model/clock.js";
import { getEnvironment } from "../store/environments-repo.js";
import { latestInventoryVersion } from "../store/inventory-versions-repo.js";
import type { RecordedRunPhase } from "../model/plan/recorded-phases.js";
import type { EnvironmentStatus } from "../store/phases.js";
import { listRuns, type RunRecord } from "../store/runs-repo.js";
import type { StoreSession } from "../store/store.js";
import { openIncident, type OpenIncident } from "./open-incident.js";
import type { NewestRecoveryPoint, RecoveryPointReader } from "./recovery-point-reader.js";
import { listDecisions, type RecordedDecision } from "./store-decision-sink.js";

/** Run phases in which a run may still change the environment. */
export const activeRunPhases: readonly RecordedRunPhase[] = [
  "pending",
  "running",
  "paused",
  "cancelling",
];

/** Everything `lifeboat status <env>` shows, read at one instant (`now`). */
export interface EnvironmentStatusReport {
  readonly environment: string;
  readonly now: Date;
  /** From the store; `active` (and `recorded` false) before Lifeboat recorded anything. */
  readonly status: EnvironmentStatus;
  readonly recorded: boolean;
  /** When the environment's record last changed (its status, or its config digest). */
  readonly updatedAt: Date | null;
  readonly capture: {
    readonly version: number;
    readonly capturedAt: Date;
    readonly lastSeenAt: Date;
    readonly resources: number;
  } | null;
  readonly recoveryPoint: {
    readonly newest: NewestRecoveryPoint | null;
    /** The smallest `protect[].rpo`; null when nothing is protected. */
    readonly budgetMs: number | null;
  };
  readonly incident: OpenIncident | null;
  /** The newest decisions, oldest first. */
  readonly decisions: readonly RecordedDecision[];
  /** Runs still going (or orphaned by a crash), newest first. */
  readonly activeRuns: readonly RunRecord[];
  /** The newest run of any phase, if any. */
  readonly latestRun: RunRecord | null;
}

export interface EnvironmentStatusInput {
  readonly environment: string;
  readonly rpoBudgetMs: number | null;
  readonly recoveryPoints: RecoveryPointReader;
  readonly clock: Clock;
  /** How many of the newest decisions to include (default 5). */
  readonly decisions?: number;
}

/**
 * Reads an environment's status from the state store (and the recovery-point reader). Pure
 * reading: nothing is written, so it is safe while a watcher or a run is going.
 */
export async function readEnvironmentStatus(
  store: StoreSession,
  input: EnvironmentStatusInput,
): Promise<EnvironmentStatusReport> {
  const { environment } = input;
  const [row, version, history, active, latest, newestPoint] = await Promise.all([
    getEnvironment(store, environment),
    latestInventoryVersion(store, environment),
    listDecisions(store, environment),
    listRuns(store, { environment, phases: activeRunPhases }),
    listRuns(store, { environment, limit: 1 }),
    input.recoveryPoints.newest(environment),
  ]);
  return {
    environment,
    now: input.clock.now(),
    status: row?.status ?? "active",
    recorded: row !== undefined,
    updatedAt: row?.updatedAt ?? null,
    capture: version
      ? {
          version: version.version,
          capturedAt: version.capturedAt,
          lastSeenAt: version.lastSeenAt,
          resources: Object.values(version.counts).reduce((a, b) => a + b, 0),
        }
      : null,
    recoveryPoint: { newest: newestPoint, budgetMs: input.rpoBudgetMs },
    incident: openIncident(history),
    decisions: history.slice(-(input.decisions ?? 5)),
    activeRuns: active,
    latestRun: latest[0] ?? null,
  };
}

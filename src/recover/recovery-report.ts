import type { RunReport, StepReport } from "../execute/run-report.js";
import type { RunRecord } from "../store/runs-repo.js";
import type { StepEventRecord } from "../store/step-events-repo.js";
import type { StoredError } from "../store/stored-error.js";
import type { Verification } from "./verify-recovery.js";

/** Run-level journal entries the recovery engine adds to the executor's. */
export const recoveryEvents = {
  point: "recovery.point",
  verified: "recovery.verified",
  /** How the target was chosen from `recovery.targets` (docs/recovery.md, "Target selection"). */
  target: "recovery.target",
} as const;

/** The recovery point a run rebuilds, as recorded when the run was created. */
export interface RecoveryPoint {
  readonly version: number;
  /** When that inventory was captured (ISO-8601). */
  readonly capturedAt: string;
  /** RPO achieved: run start − capturedAt, in ms; null until the run starts. */
  readonly ageMs: number | null;
  /**
   * The last capture that found this same inventory (ISO-8601): the configuration was known
   * to be current then, so run start − lastSeenAt bounds the configuration changes missed.
   */
  readonly lastSeenAt: string | null;
  readonly lastSeenAgeMs: number | null;
}

/**
 * Everything `lifeboat run <id> --json` reports about a recovery (docs/recovery.md, "Report").
 * Built from the store, so any process can read it while the run is in progress or after a crash.
 */
export interface RecoveryReport {
  readonly runId: string;
  readonly environment: string;
  readonly mode: string;
  readonly phase: string;
  readonly parentRunId: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** RTO of this run: first start to end, crashed time included. */
  readonly wallMs: number | null;
  readonly recoveryPoint: RecoveryPoint | null;
  /** Whether a drill tears down after verifying (`--keep` sets it false). */
  readonly teardownAfter: boolean;
  readonly created: number;
  readonly adopted: number;
  readonly longestChain: number;
  readonly peakInFlight: number;
  readonly criticalPath: RunReport["criticalPath"];
  readonly counts: Readonly<Record<string, number>>;
  readonly steps: readonly StepReport[];
  readonly errors: readonly { readonly stepId: string; readonly error: StoredError }[];
  readonly verification: Verification | null;
  /** One entry per hydrated volume: what was written and the byte-exact read-back check. */
  readonly hydration: readonly HydrationReport[];
  /** RTO with the time hydration took in it; null when no volume was hydrated or pre-staged. */
  readonly rto: HydrationRto | null;
  /** The teardown run of this run, if any. */
  readonly teardown: {
    readonly runId: string;
    readonly phase: string;
    readonly deleted: number;
    readonly wallMs: number | null;
  } | null;
}

/** A `hydrate` step's journal (docs/hydration.md): written blocks and the read-back check. */
export interface HydrationReport {
  readonly stepId: string;
  /** `prestaged`: made from a pre-staged snapshot, nothing written (docs/hydration.md). */
  readonly mode: "hydrated" | "prestaged";
  readonly snapshotId: string | null;
  readonly blockSize: number | null;
  readonly blocksWritten: number | null;
  readonly zeroBlocksSkipped: number | null;
  readonly writeSeconds: number | null;
  /** True when every block read back from the target equals the recovery point's. */
  readonly identical: boolean | null;
  readonly sourceSha256: string | null;
  readonly targetSha256: string | null;
  readonly verifySeconds: number | null;
  /** `prestaged`: seconds to make the volume from the staged snapshot. */
  readonly volumeSeconds: number | null;
}

/** RTO and the share of it hydration took (docs/hydration.md, "RTO with and without"). */
export interface HydrationRto {
  readonly wallMs: number | null;
  /** The longest hydrate step's write + verify time: what pre-staging it would save at most. */
  readonly hydrationMs: number;
  readonly hydratedVolumes: number;
  readonly prestagedVolumes: number;
}

export function hydrationRto(
  wallMs: number | null,
  hydration: readonly HydrationReport[],
): HydrationRto {
  const hydrated = hydration.filter((h) => h.mode === "hydrated");
  const ms = (h: HydrationReport) => ((h.writeSeconds ?? 0) + (h.verifySeconds ?? 0)) * 1000;
  return {
    wallMs,
    hydrationMs: Math.round(Math.max(0, ...hydrated.map(ms))),
    hydratedVolumes: hydrated.length,
    prestagedVolumes: hydration.length - hydrated.length,
  };
}

function hydrationOf(events: readonly StepEventRecord[]): HydrationReport[] {
  const kinds = ["handler.hydrate.written", "handler.hydrate.prestaged"];
  const steps = [
    ...new Set(events.filter((e) => kinds.includes(e.type)).map((e) => e.stepId ?? "")),
  ];
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  return steps.map((stepId) => {
    const mine = events.filter((e) => e.stepId === stepId);
    const w = mine.filter((e) => e.type === "handler.hydrate.written").at(-1)?.data ?? {};
    const v = mine.filter((e) => e.type === "handler.hydrate.verified").at(-1)?.data ?? {};
    const p = mine.filter((e) => e.type === "handler.hydrate.prestaged").at(-1)?.data;
    return {
      stepId,
      mode: p ? "prestaged" : "hydrated",
      snapshotId: str(p?.snapshotId) ?? str(w.snapshotId),
      blockSize: num(w.blockSize),
      blocksWritten: num(w.blocksWritten),
      zeroBlocksSkipped: num(w.zeroBlocksSkipped),
      writeSeconds: num(w.seconds),
      identical: typeof v.identical === "boolean" ? v.identical : null,
      sourceSha256: str(v.sourceSha256),
      targetSha256: str(v.targetSha256),
      verifySeconds: num(v.seconds),
      volumeSeconds: num(p?.seconds),
    };
  });
}

/** Assembles the report from the executor's report, the run's journal and its teardown. */
export function buildRecoveryReport(
  run: RunRecord,
  report: RunReport,
  events: readonly StepEventRecord[],
  teardown: { run: RunRecord; report: RunReport } | undefined,
): RecoveryReport {
  const point = lastEvent(events, recoveryEvents.point)?.data;
  const hydration = hydrationOf(events);
  const verified = lastEvent(events, recoveryEvents.verified)?.data;
  const capturedAt = typeof point?.capturedAt === "string" ? point.capturedAt : undefined;
  const recoveryPoint: RecoveryPoint | null =
    capturedAt === undefined || typeof point?.version !== "number"
      ? null
      : {
          version: point.version,
          capturedAt,
          ageMs: run.startedAt ? run.startedAt.getTime() - Date.parse(capturedAt) : null,
          lastSeenAt: typeof point.lastSeenAt === "string" ? point.lastSeenAt : null,
          lastSeenAgeMs:
            run.startedAt && typeof point.lastSeenAt === "string"
              ? run.startedAt.getTime() - Date.parse(point.lastSeenAt)
              : null,
        };
  return {
    runId: run.id,
    environment: run.environment,
    mode: run.mode,
    phase: run.phase,
    parentRunId: run.parentRunId,
    createdAt: run.createdAt.toISOString(),
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    wallMs: report.wallMs,
    recoveryPoint,
    teardownAfter: point?.teardownAfter === true,
    created: report.counts.created ?? 0,
    adopted: report.counts.adopted ?? 0,
    longestChain: report.longestChain,
    peakInFlight: report.peakInFlight,
    criticalPath: report.criticalPath,
    counts: report.counts,
    steps: report.steps,
    errors: report.errors,
    verification: (verified?.verification as Verification | undefined) ?? null,
    hydration,
    rto: hydration.length === 0 ? null : hydrationRto(report.wallMs, hydration),
    teardown: teardown
      ? {
          runId: teardown.run.id,
          phase: teardown.run.phase,
          deleted: teardown.report.counts.deleted ?? 0,
          wallMs: teardown.report.wallMs,
        }
      : null,
  };
}

function lastEvent(events: readonly StepEventRecord[], type: string): StepEventRecord | undefined {
  return events.filter((e) => e.type === type && e.stepId === null).at(-1);
}

/**
 * The HTTP API's response shapes as the dashboard reads them (issue #9's API contract).
 * Phases and modes come from src/model so a new phase is a type error here, not a blank badge.
 * Runs and steps carry their recorded phases (recorded-phases.ts), the words the API sends, not
 * the phase machine's.
 */
import type {
  RecordedRunPhase,
  RecordedStepPhase,
  RecoveryMode,
  StepKind,
} from "../../../src/model/plan/index.js";

export type { RecoveryMode, StepKind };
export type RunPhase = RecordedRunPhase;
export type StepPhase = RecordedStepPhase;

export type Health = "ok" | "degraded" | "down" | "unknown";
export type Role = "viewer" | "operator" | "approver" | "admin";

export interface ApiErrorBody {
  error: { code: string; message: string; remedy?: string };
}

export interface WhoAmI {
  tenant: string;
  role: Role;
  name: string;
}

export interface EnvironmentSummary {
  name: string;
  tenant: string;
  status: string;
  health: Health;
  lastCaptureAt: string | null;
  newestRecoveryPointAt: string | null;
  rpoBudgetMs: number | null;
}

/** The newest probe results, as the latest watch decision recorded them. */
export interface ProbeSummary {
  probeId: string;
  code: string;
  severity: string;
  at: string;
  latencyMs: number | null;
  detail: string;
}

export interface EnvironmentDetail extends EnvironmentSummary {
  probes: ProbeSummary[];
  incident: { id: string; openedAt: string } | null;
  decisions: Array<{
    eventId: number;
    at: string;
    kind: string;
    action: string | null;
    incidentId: string;
  }>;
}

export interface GraphNode {
  id: string;
  kind: string;
  name: string;
}
export interface Graph {
  version: number | string;
  nodes: GraphNode[];
  edges: Array<{ from: string; to: string }>;
}

export interface InventoryVersion {
  version: number | string;
  capturedAt: string;
  lastSeenAt: string;
  counts: Record<string, number> | { resources?: number };
}

/** A diff between two inventory versions; the shape of `lifeboat diff --json`. */
export interface InventoryDiff {
  added?: unknown[];
  removed?: unknown[];
  changed?: unknown[];
  [key: string]: unknown;
}

export interface RecoveryPoint {
  id?: string;
  at?: string;
  time?: string;
  createdAt?: string;
  kind?: string;
  [key: string]: unknown;
}

export interface EventRecord {
  id: string | number;
  at: string;
  type: string;
  severity: string;
  data: unknown;
}

export interface PlanStep {
  id: string;
  kind: StepKind;
  summary?: string;
  resource?: string;
  resourceKind?: string;
  dependsOn: string[];
}
export interface PlanPreview {
  id?: string;
  mode: RecoveryMode;
  target?: { connection: string; region: string };
  steps: PlanStep[];
}

export interface RunSummary {
  id: string;
  environment: string;
  /** A recovery mode, or `teardown` for the run that undoes `parentRunId`. */
  mode: RecoveryMode | "teardown";
  parentRunId?: string | null;
  phase: RunPhase;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  rtoMs: number | null;
  rpoMs: number | null;
}

export interface RunStep {
  id: string;
  kind: StepKind | string;
  phase: StepPhase;
  startedAt: string | null;
  finishedAt: string | null;
  error: { code?: string; message?: string; remedy?: string } | string | null;
  waitingForApproval: boolean;
  attempts?: number;
  summary?: string;
  dependsOn?: string[];
}

/** The parts of the recovery report (docs/cli-json.md, RunJson) the run page shows. */
export interface RunReport {
  recoveryPoint?: { version: number; capturedAt: string } | null;
  verification?: { result: string; checked: number; differences: unknown[] } | null;
  /** The teardown child run (mode `teardown`) and its recorded phase. */
  teardown?: { runId: string; phase: RunPhase; deleted: number } | null;
  /** A drill without `keep`: tears itself down after verifying. */
  teardownAfter?: boolean;
  created?: number;
  adopted?: number;
}

export interface RunDetail {
  run: RunSummary;
  steps: RunStep[];
  report: RunReport | null;
}

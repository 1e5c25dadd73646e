import type { Generated } from "kysely";

/**
 * The state store's tables as Kysely sees them, the same on SQLite and PostgreSQL.
 *
 * Conventions (docs/state-store.md): ids are text; every timestamp is an integer count of
 * milliseconds since the Unix epoch (UTC), `*_at` columns; JSON is stored as text in `*_json`
 * columns and validated with zod when read back. Only the `*-repo.ts` files touch these row
 * shapes; everything else uses the parsed records they return.
 */
export interface StoreSchema {
  environments: EnvironmentsTable;
  inventory_versions: InventoryVersionsTable;
  runs: RunsTable;
  steps: StepsTable;
  step_events: StepEventsTable;
  events: EventsTable;
  approvals: ApprovalsTable;
  api_tokens: ApiTokensTable;
  leases: LeasesTable;
  recovery_points: RecoveryPointsTable;
  agent_heartbeats: AgentHeartbeatsTable;
  staged_snapshots: StagedSnapshotsTable;
}

export interface EnvironmentsTable {
  name: string;
  tenant: string;
  config_digest: string;
  status: string;
  created_at: number;
  updated_at: number;
  revision: number;
}

export interface InventoryVersionsTable {
  environment: string;
  version: number;
  captured_at: number;
  last_seen_at: number;
  digest: string;
  snapshot_id: string;
  counts_json: string;
  /** Null for captures of the primary; `copy:<run id>` for a failback's capture of the copy. */
  label: string | null;
}

export interface RunsTable {
  id: string;
  environment: string;
  mode: string;
  phase: string;
  parent_run_id: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  plan_json: string | null;
  report_json: string | null;
  error_json: string | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  /** Highest `step_events.seq` handed out for this run; bumped under the row lock. */
  last_event_seq: number;
  revision: number;
}

export interface StepsTable {
  run_id: string;
  step_id: string;
  kind: string;
  phase: string;
  idempotency_key: string;
  depends_on_json: string;
  attempts: number;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  outputs_json: string | null;
  error_json: string | null;
  revision: number;
}

export interface StepEventsTable {
  run_id: string;
  seq: number;
  step_id: string | null;
  at: number;
  type: string;
  data_json: string;
}

export interface EventsTable {
  id: Generated<number>;
  environment: string | null;
  run_id: string | null;
  at: number;
  type: string;
  severity: string;
  data_json: string;
}

/** Migration 0002: one decision per (run, step); the first one wins. */
export interface ApprovalsTable {
  run_id: string;
  step_id: string;
  decision: string;
  decided_by: string;
  comment: string | null;
  at: number;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  tenant: string;
  role: string;
  /** `sha256:<hex>` of the token; the token itself is never stored. */
  hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface LeasesTable {
  name: string;
  owner: string;
  acquired_at: number;
  expires_at: number;
}

/** Migration 0004 (data protection, docs/protect.md). */
export interface RecoveryPointsTable {
  id: string;
  environment: string;
  /** A volume id or a database name. */
  source: string;
  kind: string;
  method: string;
  /** The instant the point represents (a journal cut, a scan's start). */
  at: number;
  created_at: number;
  snapshot_id: string;
  size_bytes: number;
  changed_bytes: number;
  group_id: string | null;
  meta_json: string;
}

export interface AgentHeartbeatsTable {
  agent: string;
  environment: string;
  at: number;
  data_json: string;
}

/** Migration 0005 (pre-staged mode, docs/hydration.md). */
export interface StagedSnapshotsTable {
  point_id: string;
  /** The provider connection the snapshot lives in. */
  target: string;
  region: string;
  environment: string;
  source: string;
  point_at: number;
  point_snapshot_id: string;
  snapshot_id: string;
  parent_snapshot_id: string | null;
  /** `full` or `incremental`. */
  mode: string;
  blocks_written: number;
  bytes_written: number;
  staged_ms: number;
  staged_at: number;
}

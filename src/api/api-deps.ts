import type { InventoryArchive, VersionIndex } from "../capture/version-ports.js";
import type { Clock } from "../model/clock.js";
import type { RepositoryStats } from "../repository/stats.js";
import type { Store } from "../store/store.js";
import type { RecoveryPointReader } from "../watch/recovery-point-reader.js";
import type { RunControl } from "./run-control.js";

/** An environment of the config, as the API shows and guards it. */
export interface ApiEnvironment {
  readonly name: string;
  /** The owning tenant: only its tokens see the environment, its runs and its events. */
  readonly tenant: string;
  /** The tightest `protect[].rpo` of the environment, or null when it protects no data. */
  readonly rpoBudgetMs: number | null;
  readonly captureEveryMs: number;
}

/** What the scheduler of this process is doing (`/healthz`, `/metrics`). */
export interface SchedulerState {
  /** This process holds the scheduler lease and runs captures and probes. */
  readonly leader: boolean;
  readonly owner: string;
}

/**
 * Everything `buildApp` needs, wired by the composition root (`apiServices`) or by a test.
 * The store is shared by every request; the repository is opened once, on first use.
 */
export interface ApiDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** The config's environments; the config is the source of truth for who owns what. */
  readonly environments: readonly ApiEnvironment[];
  /** The inventory versions of `environment` (repository opened on first call; wrong password → 422). */
  inventories(
    environment: string,
  ): Promise<{ readonly archive: InventoryArchive; readonly index: VersionIndex }>;
  repositoryStats(): Promise<RepositoryStats>;
  /** Newest data recovery point per environment (`newestRecoveryPointAt`, metrics). */
  readonly recoveryPoints?: RecoveryPointReader;
  /** Plans and runs recoveries in this process; absent when the server is read-only. */
  readonly runs?: RunControl;
  /** The built dashboard (`dist/web`), served at `/` when the folder exists. */
  readonly webRoot?: string;
  /** Whether `/metrics` needs a token (any role); default true. */
  readonly metricsNeedToken?: boolean;
  readonly scheduler?: () => SchedulerState;
}

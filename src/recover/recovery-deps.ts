import type { InventoryArchive, VersionIndex } from "../capture/version-ports.js";
import type { Executor } from "../execute/executor.js";
import type { Clock } from "../model/clock.js";
import type { Mapping } from "../model/mapping.js";
import type { TargetFactsSource } from "../model/plan/target-facts.js";
import type { AttachedWorkflows } from "../model/plan/workflow-points.js";
import type { FailoverOptions } from "../plan/failover-plan.js";
import type { TargetSelection } from "../plan/select-target.js";
import type { Provider } from "../providers/provider.js";
import type { Store } from "../store/store.js";

/**
 * What the recovery engine needs for one environment and one target connection. The
 * composition root builds it from the config; tests may build it by hand. Adapters arrive only
 * through ports (`TargetFactsSource`, `Provider`, the executor's step handlers).
 */
export interface RecoveryDeps {
  readonly environment: string;
  /** The validated mapping: `recovery.mapping` of the config with `target` set. */
  readonly mapping: Mapping;
  readonly index: VersionIndex;
  /** Opened lazily: reading it asks for the repository password. */
  archive(): Promise<InventoryArchive>;
  /** Read-only facts about the target (zones, offered types, networks, images, key pairs). */
  readonly targetFacts: TargetFactsSource;
  /** The target connection's provider, for verification (a capture of what the run made). */
  targetProvider(): Provider;
  /** A durable executor over the store, with the target's step handlers. */
  readonly executor: Executor;
  readonly store: Store;
  readonly clock: Clock;
  /**
   * What a failover adds after the rebuild (verify, DNS move, fence, mark), from the config;
   * absent: a failover only rebuilds (and the planner's own DNS steps move captured records).
   */
  readonly failover?: FailoverSettings;
  /** Workflows attached at points of every plan of the environment (`recovery.workflows`). */
  readonly workflows?: AttachedWorkflows;
  /** How `mapping.target` was chosen from `recovery.targets`, when there was a choice. */
  readonly targetSelection?: TargetSelection;
}

/** {@link FailoverOptions} as configured; whether to ask for approval is up to each request. */
export type FailoverSettings = Omit<FailoverOptions, "approval"> & {
  readonly approvalTimeoutSeconds: number;
};

/**
 * The composition root (DESIGN.md, "composition.ts"): the one place that turns the config into
 * concrete adapters — state store, repository, provider connections — and hands them to the
 * engines through their ports. Plain factory functions, no container; the clock and the
 * provider factory are injectable so tests and `serve` can replace them.
 *
 * Each capability's wiring lives in its own `compose-*.ts` module; this file is the root's one
 * public face, so `cli`, `api` and `demo` import from here only.
 */
import {
  withWorkflowServices,
  type WorkflowOptions,
  type WorkflowServices,
} from "./compose-workflows.js";
import { openRepository } from "./compose-repository.js";

export {
  defaultProviderFactory,
  type ClosableProvider,
  type CompositionOptions,
  type ProviderFactory,
} from "./compose-options.js";
export { openRepository } from "./compose-repository.js";
export { ensureEnvironment } from "./store/environments-repo.js";
export {
  openEnvironment,
  withEnvironment,
  withStateStore,
  type EnvironmentServices,
} from "./compose-environment.js";
export { captureDeps, captureLoop, captureNow } from "./compose-capture.js";

// Recovery (docs/recovery.md): plan, recover, runs, run, resume, cancel, teardown.
export { withRecovery, withRun, type PlanningIntent } from "./compose-recovery.js";
export { failoverOnDecision, withFailback } from "./compose-failover.js";

// Server and status: what `lifeboat serve` shares between requests, what the watcher reads.
export { openServerServices, recoveryPointReader, type ServerServices } from "./compose-server.js";
export { environmentWatch, type EnvironmentWatch } from "./composition-watch.js";

// Workflows (docs/workflow-semantics.md): plug-in registry, definitions, runner.
export { pluginRegistry } from "./compose-workflows.js";
export type { WorkflowServices } from "./compose-workflows.js";

/** Runs `body` with the workflow services (src/compose-workflows.ts); closes them all. */
export async function withWorkflows<T>(
  options: WorkflowOptions,
  body: (services: WorkflowServices) => Promise<T>,
): Promise<T> {
  return await withWorkflowServices({ ...options, openRepository: (l) => openRepository(l) }, body);
}

// Data protection (docs/protect.md): recovery points in the state store behind the engine's port.
export { storePointLog } from "./compose-points.js";
export { withProtectionAgent, type ProtectionAgent } from "./compose-agent.js";

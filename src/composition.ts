/**
 * The composition root (DESIGN.md, "composition.ts"): the one place that turns the config into
 * concrete adapters — state store, repository, provider connections — and hands them to the
 * engines through their ports. Plain factory functions, no container; the clock and the
 * provider factory are injectable so tests and `serve` can replace them.
 */
import {
  captureVersion,
  type CaptureVersionDeps,
  type VersionCapture,
} from "./capture/capture-versions.js";
import { runCaptureLoop, type CaptureLoopSummary } from "./capture/capture-loop.js";
import type { InventoryArchive, InventoryVersion, VersionIndex } from "./capture/version-ports.js";
import { repositoryLocation } from "./config/config-locations.js";
import { environmentNamed, providerNamed } from "./config/config-lookups.js";
import type { DeepReadonly } from "./config/deep-freeze.js";
import { loadConfig, type LoadedConfig } from "./config/load-config.js";
import { defaultTenant } from "./model/access.js";
import { systemClock, type Clock } from "./model/clock.js";
import type { EnvironmentConfig, ProviderConfig } from "./model/config.js";
import { parseDuration } from "./model/duration.js";
import { BugError, LifeboatError } from "./model/errors.js";
import { digestOf, type Selection } from "./model/inventory/index.js";
import { awsConnectionOptions } from "./providers/aws/aws-connection-options.js";
import { AwsProvider } from "./providers/aws/aws-provider.js";
import type { Provider } from "./providers/provider.js";
import { backendFromUrl } from "./repository/backends/backend-from-url.js";
import { loadDocument, saveDocument } from "./repository/json-document.js";
import type { KdfParams } from "./repository/crypto/kdf.js";
import { Repository } from "./repository/repository.js";
import { ImageReader } from "./repository/restorer/read-image.js";
import { hydrateStepHandler } from "./recover/hydrate-step.js";
import { syncBackStepHandler } from "./recover/sync-back-step.js";
import { captureCopyStepHandler } from "./recover/capture-copy-step.js";
import { awsVolumeSwap } from "./providers/aws/aws-volume-swap.js";
import { chooseTarget } from "./recover/choose-target.js";
import { loadVersion, type VersionRef } from "./capture/stored-versions.js";
import type { TargetSelection } from "./plan/select-target.js";
import { awsBlockSnapshots } from "./providers/aws/aws-block-snapshots.js";
import { ensureEnvironment, getEnvironment } from "./store/environments-repo.js";
import {
  getInventoryVersion,
  latestInventoryVersion,
  listInventoryVersions,
  recordInventoryCapture,
} from "./store/inventory-versions-repo.js";
import { openStore } from "./store/open-store.js";
import type { Store } from "./store/store.js";
// Recovery (docs/recovery.md): the target connection's adapters behind the recovery engine.
import { approvalStepHandler } from "./execute/approval-step.js";
import { Executor } from "./execute/executor.js";
import { parseMappingOrThrow, type Mapping } from "./model/mapping.js";
import { awsStepHandlers } from "./providers/aws/apply/aws-step-handlers.js";
import { awsFailoverHandlers } from "./providers/aws/apply/failover-handlers.js";
import { awsReleaseHandler } from "./providers/aws/apply/release-handler.js";
import { awsRebuildHandler } from "./providers/aws/apply/rebuild-handler.js";
import { AwsConnection } from "./providers/aws/aws-connection.js";
import { awsTargetFacts } from "./providers/aws/aws-target-facts-source.js";
import {
  failoverSettingsOf,
  markEnvironmentStep,
  recoverEnvironment,
  verifyEndpointStep,
  type RecoveryDeps,
  type RecoveryReport,
  type RunAccess,
} from "./recover/index.js";
import {
  agentCycleHooks,
  configRemoteShell,
  pluginRegistry,
  withWorkflowServices,
  type WorkflowOptions,
  type WorkflowServices,
} from "./compose-workflows.js";
import type { WorkflowConfig } from "./model/workflow.js";
import type { PluginRegistry } from "./plugins/plugin-registry.js";
import { attachedWorkflowStep } from "./workflows/attached-workflow-step.js";
import { terminalRunPhases } from "./store/phases.js";
import {
  failoverTarget,
  failoverToUndo,
  type FailbackDeps,
} from "./recover/failback-environment.js";
import { getRun, listRuns, requireRun, type RunRecord } from "./store/runs-repo.js";
import { incidentRunId } from "./watch/failover-listener.js";
import type { RecoveryPointReader } from "./watch/recovery-point-reader.js";
import { hostname } from "node:os";
import type { AgentDeps, AgentGroup, AgentVolume } from "./protect/agent.js";
import { agentCbtBinder } from "./compose-cbt.js";
import { cbtFinalDelta, cbtVolumesOf } from "./compose-final-delta.js";
import { agentStager } from "./compose-prestage.js";
import { bindVolumes } from "./protect/agent-volumes.js";
import { storePointLog } from "./compose-points.js";
import { applyRetention } from "./protect/apply-retention.js";
import { recordHeartbeat } from "./store/agent-heartbeats-repo.js";
import { listRecoveryPoints, newestRecoveryPoint } from "./store/recovery-points-repo.js";

type Env = Readonly<Record<string, string | undefined>>;

/** A provider adapter the composition root can release. */
export interface ClosableProvider extends Provider {
  close(): void;
}

/** Builds the adapter for one `providers.<name>` entry of the config. */
export type ProviderFactory = (
  name: string,
  config: DeepReadonly<ProviderConfig>,
  env: Env,
) => ClosableProvider;

/** The default factory: every provider in the config is `type: aws` for now. */
export const defaultProviderFactory: ProviderFactory = (name, config, env) =>
  new AwsProvider(awsConnectionOptions(name, config as ProviderConfig, env));

export interface CompositionOptions {
  /** `--config <file>`; else LIFEBOAT_CONFIG, else ./lifeboat.yaml. */
  readonly config?: string | undefined;
  /** Where secrets and credentials named by the config are read; default `process.env`. */
  readonly env?: Env;
  readonly clock?: Clock;
  readonly providerFactory?: ProviderFactory;
}

/** Everything the capture commands need for one environment; `close()` releases it all. */
export interface EnvironmentServices {
  readonly name: string;
  readonly loaded: LoadedConfig;
  readonly environment: DeepReadonly<EnvironmentConfig>;
  readonly selection: Selection;
  readonly clock: Clock;
  /** The version index in the state store (opened with the services). */
  readonly index: VersionIndex;
  /** The repository, opened on first use: reads the password then (wrong one → exit 4). */
  archive(): Promise<InventoryArchive>;
  /** The source provider's adapter, built on first use. */
  provider(): Provider;
  close(): Promise<void>;
}

/**
 * Opens the services of environment `name`: loads the config (an unknown environment →
 * `LB_ENV_NOT_FOUND` before anything is opened) and the state store. The repository and the
 * provider are opened lazily, so `history` needs neither a password nor credentials.
 */
export async function openEnvironment(
  name: string,
  options: CompositionOptions = {},
): Promise<EnvironmentServices> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const loaded = await loadConfig({ config: options.config, env });
  const environment = environmentNamed(loaded, name);
  const store = await openStore(loaded.config.state, {
    baseDir: loaded.dir,
    now: () => clock.now(),
  });
  const configDigest = digestOf(environment);
  let repository: Promise<Repository> | undefined;
  let provider: ClosableProvider | undefined;
  const services: EnvironmentServices = {
    name,
    loaded,
    environment,
    selection: selectionOf(environment),
    clock,
    index: storeVersionIndex(store, configDigest, environment.tenant ?? defaultTenant),
    archive: async () => repositoryArchive(await (repository ??= openRepository(loaded))),
    provider: () =>
      (provider ??= (options.providerFactory ?? defaultProviderFactory)(
        environment.source,
        providerNamed(loaded, environment.source),
        env,
      )),
    close: async () => {
      provider?.close();
      const repo = await repository?.catch(() => undefined);
      await Promise.allSettled([repo?.close(), store.close()]);
    },
  };
  return services;
}

/** Runs `body` with the environment's services and always closes them. */
export async function withEnvironment<T>(
  name: string,
  options: CompositionOptions,
  body: (services: EnvironmentServices) => Promise<T>,
): Promise<T> {
  const services = await openEnvironment(name, options);
  try {
    return await body(services);
  } finally {
    await services.close();
  }
}

/**
 * The capture engine's dependencies. The repository is opened before any provider call, so a
 * wrong password or a missing repository fails before the cloud is asked anything.
 */
export async function captureDeps(services: EnvironmentServices): Promise<CaptureVersionDeps> {
  const archive = await services.archive();
  return { archive, index: services.index, provider: services.provider(), clock: services.clock };
}

/** One capture of the environment, stored as a version (`lifeboat capture`). */
export async function captureNow(
  services: EnvironmentServices,
  signal?: AbortSignal,
): Promise<VersionCapture> {
  const deps = await captureDeps(services);
  return captureVersion(
    deps,
    { environment: services.name, selection: services.selection },
    signal === undefined ? {} : { signal },
  );
}

/**
 * The capture loop `serve` runs for one environment: every `capture.every` of its config until
 * `signal` aborts. Failures go to `onError` and the loop goes on.
 */
export function captureLoop(
  services: EnvironmentServices,
  signal: AbortSignal,
  handlers: {
    readonly onCapture?: (capture: VersionCapture) => void;
    readonly onError?: (error: LifeboatError) => void;
  } = {},
): Promise<CaptureLoopSummary> {
  const everyMs = parseDuration(services.environment.capture.every);
  if (everyMs === undefined) throw new BugError("a validated config has a malformed duration");
  return runCaptureLoop({
    everyMs,
    clock: services.clock,
    signal,
    capture: (s) => captureNow(services, s),
    ...(handlers.onCapture ? { onCapture: handlers.onCapture } : {}),
    ...(handlers.onError ? { onError: handlers.onError } : {}),
  });
}

/**
 * Opens the repository the config names; `create` makes it first, as `repo init` does, with
 * its key slot's KDF cost (default: calibrated on this machine).
 */
export async function openRepository(
  loaded: LoadedConfig,
  options: { readonly create?: boolean; readonly kdf?: KdfParams } = {},
): Promise<Repository> {
  const location = repositoryLocation(loaded);
  const password = loaded.repositoryPassword();
  const backend =
    location.backend === "fs"
      ? backendFromUrl(location.path)
      : backendFromUrl(
          `s3://${location.bucket}${location.prefix ? `/${location.prefix}` : ""}`,
          location.endpoint === undefined ? {} : { endpoint: location.endpoint },
        );
  try {
    return options.create
      ? await Repository.init(backend, password, options.kdf ? { kdf: options.kdf } : {})
      : await Repository.open(backend, password);
  } catch (error) {
    await backend.close().catch(() => undefined);
    throw error;
  }
}

function selectionOf(environment: DeepReadonly<EnvironmentConfig>): Selection {
  const { tags, network, ids } = environment.select;
  return {
    ...(tags === undefined ? {} : { tags: { ...tags } }),
    ...(network === undefined ? {} : { network }),
    ...(ids === undefined ? {} : { ids: [...ids] }),
  };
}

/** The version index over the state store's `inventory_versions` table. */
function storeVersionIndex(store: Store, configDigest: string, tenant: string): VersionIndex {
  return {
    list: (environment) => listInventoryVersions(store, environment),
    get: (environment, version) => getInventoryVersion(store, environment, version),
    latest: (environment) => latestInventoryVersion(store, environment),
    record: async (input): Promise<{ version: InventoryVersion; created: boolean }> => {
      await ensureEnvironment(store, input.environment, { configDigest, tenant });
      return recordInventoryCapture(store, { ...input, counts: { ...input.counts } });
    },
  };
}

export { ensureEnvironment };

/** Inventories as encrypted `inventory` snapshots (docs/capture.md, "Where versions live"). */
function repositoryArchive(repo: Repository): InventoryArchive {
  return {
    save: ({ environment, inventory, digest, capturedAt, counts }) =>
      saveDocument(repo, {
        name: `${environment}.inventory.json`,
        document: inventory,
        kind: "inventory",
        tags: [`lifeboat:environment=${environment}`],
        fields: { environment, digest, counts },
        time: capturedAt,
      }),
    load: (snapshotId) => loadDocument(repo, snapshotId),
  };
}

// ---- Recovery: plan, recover, runs, run, resume, cancel, teardown ----

/** Steps in flight at most during a recovery. */
const recoveryConcurrency = 8;

interface RecoveryTargetAdapters {
  readonly connection: AwsConnection;
  readonly executor: Executor;
  close(): void;
}

function recoveryTargetAdapters(
  loaded: LoadedConfig,
  target: string,
  store: Store,
  env: Readonly<Record<string, string | undefined>>,
  clock: Clock = systemClock,
): RecoveryTargetAdapters & { provider(): AwsProvider } {
  const options = awsConnectionOptions(
    target,
    providerNamed(loaded, target) as ProviderConfig,
    env,
  );
  const connection = new AwsConnection(options);
  // Failover steps name the connection they act on (fence the source, move DNS with the
  // target's credentials): one lazily opened connection per provider of the config.
  const others = new Map<string, AwsConnection>([[target, connection]]);
  const connectionFor = (name: string): AwsConnection => {
    let found = others.get(name);
    if (!found) {
      found = new AwsConnection(
        awsConnectionOptions(name, providerNamed(loaded, name) as ProviderConfig, env),
      );
      others.set(name, found);
    }
    return found;
  };
  let repository: Promise<Repository> | undefined;
  let registry: Promise<PluginRegistry> | undefined;
  let remoteShell: ReturnType<typeof configRemoteShell> | undefined;
  const openPoint = async (id: string) => {
    const repo = await (repository ??= openRepository(loaded));
    return ImageReader.open(repo, await repo.loadSnapshot(id));
  };
  // Discovery through any connection of the config (a failback captures the copy).
  const providers = new Map<string, AwsProvider>();
  const providerFor = (name: string): AwsProvider => {
    let found = providers.get(name);
    if (!found) {
      const config = providerNamed(loaded, name) as ProviderConfig;
      found = new AwsProvider(awsConnectionOptions(name, config, env));
      providers.set(name, found);
    }
    return found;
  };
  const executor = new Executor({
    store,
    handlers: {
      ...awsStepHandlers(connection),
      hydrate: hydrateStepHandler({ store: awsBlockSnapshots(connection), openPoint }),
      "sync-back": syncBackStepHandler({
        blocks: (name) => awsBlockSnapshots(connectionFor(name)),
        swap: (name) => awsVolumeSwap(connectionFor(name)),
        openPoint,
        points: (environment, source) => listRecoveryPoints(store, environment, { source }),
        finalDelta: cbtFinalDelta(
          () => (repository ??= openRepository(loaded)),
          store,
          connectionFor,
        ),
      }),
      "capture-copy": captureCopyStepHandler({
        captureDeps: async (environment, name) => {
          const config = environmentNamed(loaded, environment);
          const tenant = config.tenant ?? defaultTenant;
          return {
            provider: providerFor(name),
            archive: repositoryArchive(await (repository ??= openRepository(loaded))),
            index: storeVersionIndex(store, digestOf(config), tenant),
            clock,
          };
        },
      }),
      ...awsFailoverHandlers(connectionFor),
      release: awsReleaseHandler(connectionFor),
      rebuild: awsRebuildHandler(connectionFor),
      approval: approvalStepHandler(store),
      verify: verifyEndpointStep,
      mark: markEnvironmentStep(store),
      workflow: attachedWorkflowStep({
        store,
        env,
        workflows: loaded.config.workflows as Record<string, WorkflowConfig>,
        registry: () =>
          (registry ??= pluginRegistry(loaded, {
            repository: () => (repository ??= openRepository(loaded)),
            store,
            clock: systemClock,
            // Attached workflows act on the recovered side: SSM in the target by default.
            remoteShell: (remoteShell ??= configRemoteShell(loaded, env, target)),
          })),
      }),
    },
    concurrency: recoveryConcurrency,
  });
  let provider: AwsProvider | undefined;
  return {
    connection,
    executor,
    provider: () => (provider ??= new AwsProvider(options)),
    close: () => {
      void repository?.then((repo) => repo.close()).catch(() => undefined);
      for (const open of others.values()) open.destroy();
      remoteShell?.destroy();
      for (const open of providers.values()) open.close();
      provider?.close();
    },
  };
}

/** The mapping of an environment: its config's `recovery`, `--target` overriding the target. */
function recoveryMappingOf(
  recovery: { readonly target: string; readonly mapping: object },
  target: string | undefined,
): Mapping {
  return parseMappingOrThrow({ ...recovery.mapping, target: target ?? recovery.target });
}

/** What a recovery will plan; choosing among `recovery.targets` judges exactly this. */
export interface PlanningIntent {
  /** The inventory version (`--at`, `--version`); default the latest. */
  readonly point?: VersionRef;
  /** `--only` as a plan selection; absent selects everything. */
  readonly selection?: unknown;
}

/**
 * `recovery.targets` without `--target`: the first that qualifies for the inventory version
 * and the resources the plan will use (docs/recovery.md, "Target selection"); each candidate's
 * connection is closed after.
 */
async function selectRecoveryTarget(
  name: string,
  services: EnvironmentServices,
  targets: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  planning: PlanningIntent,
): Promise<TargetSelection & { readonly chosen: string }> {
  const { inventory } = await loadVersion(
    { archive: await services.archive(), index: services.index },
    name,
    planning.point ?? { latest: true },
  );
  const opened: AwsConnection[] = [];
  try {
    return await chooseTarget(
      name,
      targets,
      (connection) => {
        const config = providerNamed(services.loaded, connection) as ProviderConfig;
        const open = new AwsConnection(awsConnectionOptions(connection, config, env));
        opened.push(open);
        return awsTargetFacts(open);
      },
      {
        inventory,
        mapping: recoveryMappingOf(services.environment.recovery, targets[0]),
        ...(planning.selection === undefined ? {} : { selection: planning.selection }),
      },
    );
  } finally {
    for (const open of opened) open.destroy();
  }
}

/**
 * Runs `body` with the recovery engine's dependencies for environment `name`; closes all.
 * `planning` is what `body` will plan (pass the same point and selection to it): without
 * `target`, the target is chosen from `recovery.targets` for that version and those resources.
 */
export async function withRecovery<T>(
  name: string,
  options: CompositionOptions & {
    readonly target?: string | undefined;
    readonly planning?: PlanningIntent;
  },
  body: (deps: RecoveryDeps) => Promise<T>,
): Promise<T> {
  return await withEnvironment(name, options, async (services) => {
    const env = options.env ?? process.env;
    const { recovery } = services.environment;
    const targetSelection =
      options.target === undefined && recovery.targets.length > 1
        ? await selectRecoveryTarget(name, services, recovery.targets, env, options.planning ?? {})
        : undefined;
    const mapping = recoveryMappingOf(recovery, options.target ?? targetSelection?.chosen);
    const store = await openStore(services.loaded.config.state, {
      baseDir: services.loaded.dir,
      now: () => services.clock.now(),
    });
    const adapters = recoveryTargetAdapters(
      services.loaded,
      mapping.target,
      store,
      env,
      services.clock,
    );
    try {
      return await body({
        environment: name,
        mapping,
        index: services.index,
        archive: () => services.archive(),
        targetFacts: awsTargetFacts(adapters.connection),
        targetProvider: () => adapters.provider(),
        executor: adapters.executor,
        store,
        clock: services.clock,
        failover: failoverSettingsOf(services.environment),
        workflows: services.environment.recovery.workflows,
        ...(targetSelection === undefined ? {} : { targetSelection }),
      });
    } finally {
      adapters.close();
      await store.close();
    }
  });
}

/** Runs `body` with the state store only (`runs`). */
export async function withStateStore<T>(
  options: CompositionOptions,
  body: (store: Store, loaded: LoadedConfig) => Promise<T>,
): Promise<T> {
  const loaded = await loadConfig({ config: options.config, env: options.env ?? process.env });
  const store = await openStore(loaded.config.state, { baseDir: loaded.dir });
  try {
    return await body(store, loaded);
  } finally {
    await store.close();
  }
}

/**
 * Runs `body` with access to run `runId` and an executor wired to the target the run's plan
 * names (`run`, `cancel`, `teardown`). A teardown run uses its parent's plan's target.
 */
export async function withRun<T>(
  runId: string,
  options: CompositionOptions,
  body: (access: RunAccess & { readonly environment: string }) => Promise<T>,
): Promise<T> {
  return await withStateStore(options, async (store, loaded) => {
    const run = await requireRun(store, runId);
    const owner = run.parentRunId ? await requireRun(store, run.parentRunId) : run;
    const planned = (run.mode === "teardown" ? owner : run).plan as {
      target?: { connection?: string };
    } | null;
    const target = planned?.target?.connection;
    if (target === undefined) {
      throw new LifeboatError("LB_STORE_CORRUPT", `run ${runId} has no plan with a target`, {
        details: { runId },
      });
    }
    const adapters = recoveryTargetAdapters(loaded, target, store, options.env ?? process.env);
    try {
      return await body({ store, executor: adapters.executor, environment: run.environment });
    } finally {
      adapters.close();
    }
  });
}

// ---- Server: the long-lived services `lifeboat serve` shares between requests ----

/** One store and one repository for the whole process; `close()` releases both. */
export interface ServerServices {
  readonly loaded: LoadedConfig;
  readonly store: Store;
  readonly clock: Clock;
  /** The repository, opened on first use and kept open. */
  repository(): Promise<Repository>;
  /** The version index and archive of a config environment. */
  inventories(name: string): Promise<{ archive: InventoryArchive; index: VersionIndex }>;
  close(): Promise<void>;
}

/**
 * Opens the config and the state store for a server, and makes the store's environment rows
 * match the config (tenant and digest), so environments never captured are listed too.
 */
export async function openServerServices(
  options: CompositionOptions = {},
): Promise<ServerServices> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const loaded = await loadConfig({ config: options.config, env });
  const store = await openStore(loaded.config.state, {
    baseDir: loaded.dir,
    now: () => clock.now(),
  });
  const environments = loaded.config.environments;
  for (const [name, environment] of Object.entries(environments)) {
    const tenant = environment.tenant ?? defaultTenant;
    await ensureEnvironment(store, name, { configDigest: digestOf(environment), tenant });
  }
  let repository: Promise<Repository> | undefined;
  const open = () => (repository ??= openRepository(loaded));
  return {
    loaded,
    store,
    clock,
    repository: open,
    inventories: async (name) => {
      const environment = environmentNamed(loaded, name);
      const tenant = environment.tenant ?? defaultTenant;
      return {
        archive: repositoryArchive(await open()),
        index: storeVersionIndex(store, digestOf(environment), tenant),
      };
    },
    close: async () => {
      const repo = await repository?.catch(() => undefined);
      await Promise.allSettled([repo?.close(), store.close()]);
    },
  };
}

// ---- Status: what `lifeboat status` and the watcher read ----

/** Recovery points as `status` and the watcher read them: the `recovery_points` table. */
export function recoveryPointReader(store: Store): RecoveryPointReader {
  return {
    newest: async (environment) => {
      const point = await newestRecoveryPoint(store, environment);
      return point && { id: point.id, source: point.source, kind: point.kind, at: point.at };
    },
  };
}

export { environmentWatch, type EnvironmentWatch } from "./composition-watch.js";

// Workflows (docs/workflow-semantics.md): plug-in registry, definitions, runner.
export { pluginRegistry };
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

/** What `lifeboat agent` runs: the bound volumes and the loop's dependencies. */
export interface ProtectionAgent {
  readonly environment: string;
  readonly name: string;
  readonly heartbeatMs: number;
  readonly volumes: readonly AgentVolume[];
  /** Volumes captured together, with their backup workflows. */
  readonly groups: readonly AgentGroup[];
  readonly deps: AgentDeps;
}

/**
 * Wires `lifeboat agent` for environment `name` (or the only environment with an `agent`
 * section): the state store, the repository (opened at the first cycle and retried while it is
 * unreachable), the bound volumes (journal pass-throughs mounted), heartbeats and retention.
 * Unmounts and closes everything when `body` settles.
 */
export async function withProtectionAgent<T>(
  name: string | undefined,
  options: CompositionOptions & { readonly agentName?: string },
  body: (agent: ProtectionAgent) => Promise<T>,
): Promise<T> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const loaded = await loadConfig({ config: options.config, env });
  const withAgent = Object.keys(loaded.config.environments).filter(
    (n) => loaded.config.environments[n]?.agent !== undefined,
  );
  const envName = name ?? (withAgent.length === 1 ? withAgent[0]! : undefined);
  if (envName === undefined) {
    throw new LifeboatError("LB_USAGE", "name the environment the agent protects", {
      remedy: `Run \`lifeboat agent <env>\`; environments with an agent section: ${withAgent.join(", ") || "none"}.`,
    });
  }
  const environment = environmentNamed(loaded, envName);
  const agentConfig = environment.agent;
  if (agentConfig === undefined) {
    throw new LifeboatError("LB_CONFIG_INVALID", `environment ${envName} has no agent section`, {
      remedy: `Add environments.${envName}.agent.volumes (docs/config.md).`,
    });
  }
  const store = await openStore(loaded.config.state, {
    baseDir: loaded.dir,
    now: () => clock.now(),
  });
  let repository: Repository | undefined;
  // For `aws-ssm-run` steps of backup workflows; its SDK clients are made on first use.
  const remoteShell = configRemoteShell(loaded, env);
  const hooksFor = agentCycleHooks(
    loaded,
    {
      repository: async () => (repository ??= await openRepository(loaded)),
      store,
      clock,
      remoteShell,
    },
    envName,
    env,
  );
  const cbt = agentCbtBinder(loaded, env);
  const bound = await bindVolumes(
    agentConfig,
    environment.protect,
    loaded.dir,
    clock,
    hooksFor,
    cbt.bind,
  ).catch(async (error: unknown) => {
    remoteShell.destroy();
    cbt.close();
    await store.close();
    throw error;
  });
  const agentName = options.agentName ?? agentConfig.name ?? hostname();
  const points = storePointLog(store);
  const keepOf = (id: string) =>
    environment.protect.find((p) => p.volumes?.ids?.includes(id))?.keep;
  const stager = agentStager({
    loaded,
    environment: envName,
    protect: environment.protect,
    store,
    points,
    repository: async () => (repository ??= await openRepository(loaded)),
    clock,
    env,
  });
  const deps: AgentDeps = {
    clock,
    openProtect: async () => ({
      repo: (repository ??= await openRepository(loaded)),
      points,
      environment: envName,
    }),
    heartbeat: (volumes) =>
      recordHeartbeat(store, {
        agent: agentName,
        environment: envName,
        data: {
          volumes: volumes.map(({ staging, ...v }) => ({
            ...v,
            ...(staging ? { staging: { ...staging } } : {}),
          })),
        },
      }),
    stage: (volume) => stager.stage(volume.id),
    afterCycle: async (volume) => {
      const keep = keepOf(volume.id);
      if (keep === undefined || repository === undefined) return;
      await applyRetention(points, repository, envName, volume.id, {
        ...(keep.last !== undefined ? { last: keep.last } : {}),
        ...(keep.within !== undefined ? { withinMs: parseDuration(keep.within) ?? 0 } : {}),
      });
    },
  };
  try {
    return await body({
      environment: envName,
      name: agentName,
      heartbeatMs: parseDuration(agentConfig.heartbeat) ?? 30_000,
      volumes: bound.volumes,
      groups: bound.groups,
      deps,
    });
  } finally {
    stager.close();
    cbt.close();
    await bound.close();
    remoteShell.destroy();
    await Promise.allSettled([repository?.close(), store.close()]);
  }
}

// ---- Failover on a watcher decision (`lifeboat watch`, `serve` while it leads) ----

/**
 * Starts a failover run of `name` for a watcher decision of incident `incidentId` and drives
 * it to its end (with `approval` it waits at its approval step for `lifeboat approve`). The
 * run's id is the incident's ({@link incidentRunId}). Skipped — `undefined` — when that run
 * exists (whatever its phase: one run per incident, a failed one is resumed by hand), when the
 * environment is already failed over, or when another failover run of it is unfinished; a
 * run recorded meanwhile by another process (the store's unique id) is skipped too. So a
 * restarted watcher, a new leader or a second decision never starts a second failover.
 */
export async function failoverOnDecision(
  name: string,
  options: CompositionOptions,
  request: {
    readonly approval: boolean;
    readonly incidentId: string;
    readonly onRun?: (run: RunRecord) => void;
  },
): Promise<RecoveryReport | undefined> {
  const runId = incidentRunId(name, request.incidentId);
  return await withRecovery(name, options, async (deps) => {
    if ((await getRun(deps.store, runId)) !== undefined) return undefined;
    if ((await getEnvironment(deps.store, name))?.status === "failed-over") return undefined;
    const runs = await listRuns(deps.store, { environment: name });
    if (runs.some((r) => r.mode === "failover" && !terminalRunPhases.includes(r.phase))) {
      return undefined;
    }
    try {
      return await recoverEnvironment(
        deps,
        { mode: "failover", approval: request.approval, runId },
        request.onRun ? { onRun: (run) => request.onRun?.(run) } : {},
      );
    } catch (error) {
      const raced = error instanceof LifeboatError && error.code === "LB_STORE_CONFLICT";
      if (raced && (await getRun(deps.store, runId)) !== undefined) return undefined;
      throw error;
    }
  });
}

// ---- Failback: the recovery engine wired to the copy's connection, plus the primary ----

/**
 * Runs `body` with a failback's dependencies for environment `name` (`lifeboat failback`): the
 * executor is wired to the connection the newest un-torn-down failover rebuilt into (its copy
 * is torn down with those handlers), `source` is the environment's primary. No such failover →
 * `LB_FAILBACK_NOTHING` before any provider is opened.
 */
export async function withFailback<T>(
  name: string,
  options: CompositionOptions,
  body: (deps: FailbackDeps) => Promise<T>,
): Promise<T> {
  const found = await withStateStore(options, async (store, loaded) => {
    const environment = environmentNamed(loaded, name);
    const failover = await failoverToUndo(store, name);
    const source = providerNamed(loaded, environment.source);
    return {
      target: failoverTarget(failover).connection,
      source: { connection: environment.source, region: source.region },
      cbtVolumes: cbtVolumesOf(environment),
    };
  });
  return await withRecovery(name, { ...options, target: found.target }, (deps) =>
    body({ ...deps, source: found.source, cbtVolumes: found.cbtVolumes }),
  );
}

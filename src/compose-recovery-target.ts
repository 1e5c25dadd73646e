/**
 * The executor of a recovery (docs/execution.md) wired to its target connection: the AWS step
 * handlers, hydration and sync-back from recovery points, the capture of a copy, failover and
 * rebuild steps on any connection of the config, approvals and attached workflows.
 */
import { environmentNamed, providerNamed } from "./config/config-lookups.js";
import type { LoadedConfig } from "./config/load-config.js";
import { defaultTenant } from "./model/access.js";
import { systemClock, type Clock } from "./model/clock.js";
import type { ProviderConfig } from "./model/config.js";
import { parseDuration } from "./model/duration.js";
import { digestOf } from "./model/inventory/index.js";
import type { WorkflowConfig } from "./model/workflow.js";
import { approvalStepHandler } from "./execute/approval-step.js";
import { Executor } from "./execute/executor.js";
import type { PluginRegistry } from "./plugins/plugin-registry.js";
import { awsFailoverHandlers } from "./providers/aws/apply/failover-handlers.js";
import { awsRebuildHandler } from "./providers/aws/apply/rebuild-handler.js";
import { awsReleaseHandler } from "./providers/aws/apply/release-handler.js";
import { awsStepHandlers } from "./providers/aws/apply/aws-step-handlers.js";
import { awsBlockSnapshots } from "./providers/aws/aws-block-snapshots.js";
import { AwsConnection } from "./providers/aws/aws-connection.js";
import { awsConnectionOptions } from "./providers/aws/aws-connection-options.js";
import { AwsProvider } from "./providers/aws/aws-provider.js";
import { awsVolumeSwap } from "./providers/aws/aws-volume-swap.js";
import { captureCopyStepHandler } from "./recover/capture-copy-step.js";
import { hydrateStepHandler } from "./recover/hydrate-step.js";
import { markEnvironmentStep, verifyEndpointStep } from "./recover/index.js";
import { syncBackStepHandler } from "./recover/sync-back-step.js";
import { ImageReader } from "./repository/restorer/read-image.js";
import type { Repository } from "./repository/repository.js";
import { listRecoveryPoints } from "./store/recovery-points-repo.js";
import type { Store } from "./store/store.js";
import { attachedWorkflowStep } from "./workflows/attached-workflow-step.js";
import { awsConnections, awsProviders } from "./compose-connections.js";
import { cbtFinalDelta } from "./compose-final-delta.js";
import type { Env } from "./compose-options.js";
import { openRepository, repositoryArchive, storeVersionIndex } from "./compose-repository.js";
import { configRemoteShell, pluginRegistry } from "./compose-workflows.js";

/** Steps in flight at most during a recovery. */
const recoveryConcurrency = 8;

interface RecoveryTargetAdapters {
  readonly connection: AwsConnection;
  readonly executor: Executor;
  close(): void;
}

export function recoveryTargetAdapters(
  loaded: LoadedConfig,
  target: string,
  store: Store,
  env: Env,
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
  const connections = awsConnections(loaded, env, new Map([[target, connection]]));
  const connectionFor = (name: string): AwsConnection => connections.get(name);
  let repository: Promise<Repository> | undefined;
  let registry: Promise<PluginRegistry> | undefined;
  let remoteShell: ReturnType<typeof configRemoteShell> | undefined;
  const openPoint = async (id: string) => {
    const repo = await (repository ??= openRepository(loaded));
    return ImageReader.open(repo, await repo.loadSnapshot(id));
  };
  // Discovery through any connection of the config (a failback captures the copy).
  const providers = awsProviders(loaded, env);
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
            provider: providers.get(name),
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
    leaseTtlMs: parseDuration(loaded.config.execution?.leaseTtl ?? "30s") ?? 30_000,
  });
  let provider: AwsProvider | undefined;
  return {
    connection,
    executor,
    provider: () => (provider ??= new AwsProvider(options)),
    close: () => {
      void repository?.then((repo) => repo.close()).catch(() => undefined);
      connections.close();
      remoteShell?.destroy();
      providers.close();
      provider?.close();
    },
  };
}

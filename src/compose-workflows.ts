/**
 * Wiring for workflows (docs/workflow-semantics.md), imported by composition.ts: the plug-in
 * registry (built-ins, then the config's external plug-ins), the workflow definitions (config
 * or a separate file) and a runner over the state store.
 */
import { environmentNamed, providerNamed } from "./config/config-lookups.js";
import type { DeepReadonly } from "./config/deep-freeze.js";
import { loadConfig, type LoadedConfig } from "./config/load-config.js";
import { loadWorkflowFile } from "./config/workflow-file.js";
import { defaultTenant } from "./model/access.js";
import { systemClock, type Clock } from "./model/clock.js";
import { LifeboatError } from "./model/errors.js";
import { digestOf } from "./model/inventory/index.js";
import type { WorkflowConfig } from "./model/workflow.js";
import { storePointLog } from "./compose-points.js";
import { engineRecoveryPoints } from "./compose-snapshot.js";
import { standaloneBuiltins } from "./plugins/builtin/index.js";
import { protectCyclePlugin } from "./plugins/builtin/protect-cycle.js";
import { snapshotPlugin } from "./plugins/builtin/snapshot.js";
import { approvalPlugin, type ApprovalPort } from "./plugins/builtin/approval.js";
import { awsSsmRunPlugin } from "./plugins/builtin/aws-ssm-run.js";
import { sshPlugin } from "./plugins/builtin/ssh.js";
import { inventoryMachineAddresses } from "./compose-machine-addresses.js";
import type { RemoteShellPort } from "./plugins/remote-shell-port.js";
import type { ProviderConfig } from "./model/config.js";
import { awsConnectionOptions } from "./providers/aws/aws-connection-options.js";
import { awsRemoteShell, type AwsRemoteShell } from "./providers/aws/aws-ssm-commands.js";
import { waitForApproval } from "./execute/approval-gate.js";
import { loadPlugins } from "./plugins/load-plugins.js";
import { PluginRegistry } from "./plugins/plugin-registry.js";
import { ensureEnvironment } from "./store/environments-repo.js";
import { openStore } from "./store/open-store.js";
import type { Repository } from "./repository/repository.js";
import type { Store } from "./store/store.js";
import type { WorkflowEvent } from "./workflows/step-book.js";
import { planWorkflow, type WorkflowPlan } from "./workflows/workflow-plan.js";
import { WorkflowRunner } from "./workflows/workflow-runner.js";
import { CycleHooks } from "./workflows/cycle-hooks.js";
import { cycleWorkflow, type CycleWorkflows } from "./model/cycle-workflow.js";
import { BugError } from "./model/errors.js";
import type { GroupHooksFactory } from "./protect/agent-volumes.js";

export interface WorkflowOptions {
  readonly config?: string | undefined;
  /** A separate workflow file (`--file`); its workflows take precedence over the config's. */
  readonly file?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
}

/** What composition.ts adds: how the config's repository is opened (for `snapshot`). */
export interface WorkflowWiring extends WorkflowOptions {
  readonly openRepository: (loaded: LoadedConfig) => Promise<Repository>;
}

/** Everything the `workflow` commands need; closed by {@link withWorkflows}. */
export interface WorkflowServices {
  readonly loaded: LoadedConfig;
  readonly store: Store;
  readonly registry: PluginRegistry;
  /** Every workflow definition by name (config first, then `--file`). */
  readonly workflows: Readonly<Record<string, DeepReadonly<WorkflowConfig>>>;
  /** Validates workflow `name` against the registry (`LB_WORKFLOW_INVALID`). */
  plan(name: string): WorkflowPlan;
  /** The environment a run of `name` is recorded under; makes sure its store row exists. */
  environmentFor(name: string, flag: string | undefined): Promise<string>;
  runner(onEvent?: (event: WorkflowEvent) => void): WorkflowRunner;
}

/** What built-ins that need adapters get; each is opened on first use. */
export interface BuiltinAdapters {
  repository(): Promise<Repository>;
  /** The state store the runs' approvals are recorded in. */
  readonly store: Store;
  readonly clock: Clock;
  /** Run Command on cloud machines (`aws-ssm-run`). */
  readonly remoteShell: RemoteShellPort;
}

/**
 * SSM Run Command over the config's provider connections: a step's `with.connection`, else
 * `defaultConnection` (a recovery's target, for workflows attached to its plan), else the
 * environment's `source`. Credentials are read when a step first needs them.
 */
export function configRemoteShell(
  loaded: LoadedConfig,
  env: Readonly<Record<string, string | undefined>>,
  defaultConnection?: string,
): AwsRemoteShell {
  return awsRemoteShell((connection, environment) => {
    const name = connection ?? defaultConnection ?? environmentNamed(loaded, environment).source;
    const provider = providerNamed(loaded, name) as ProviderConfig;
    return { name, options: awsConnectionOptions(name, provider, env) };
  });
}

/** Workflow approvals through the same gate and records as failover approvals. */
function storeApprovals(store: Store, clock: Clock): ApprovalPort {
  return {
    wait: async (request) => {
      const record = await waitForApproval(store, { ...request, clock });
      return { by: record.by, at: record.at, comment: record.comment };
    },
  };
}

/** Builds the registry: built-ins first, then the config's plug-ins in order. */
export async function pluginRegistry(
  loaded: LoadedConfig,
  adapters: BuiltinAdapters,
): Promise<PluginRegistry> {
  const registry = new PluginRegistry();
  for (const plugin of standaloneBuiltins) registry.register(plugin);
  const points = storePointLog(adapters.store);
  registry.register(
    snapshotPlugin(
      engineRecoveryPoints({ repository: adapters.repository, points, clock: adapters.clock }),
    ),
  );
  registry.register(approvalPlugin(storeApprovals(adapters.store, adapters.clock)));
  registry.register(awsSsmRunPlugin(adapters.remoteShell));
  // Without a cycle it only fails, so `resume` of a dead backup-workflow run undoes its pairs.
  registry.register(protectCyclePlugin());
  registry.register(sshPlugin(inventoryMachineAddresses(adapters.store, adapters.repository)));
  await loadPlugins(registry, loaded.config.plugins, loaded.dir);
  return registry;
}

export async function withWorkflowServices<T>(
  options: WorkflowWiring,
  body: (services: WorkflowServices) => Promise<T>,
): Promise<T> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const loaded = await loadConfig({ config: options.config, env });
  const fromFile = options.file === undefined ? {} : await loadWorkflowFile(options.file);
  const workflows = { ...loaded.config.workflows, ...fromFile };
  let repository: Promise<Repository> | undefined;
  const store = await openStore(loaded.config.state, {
    baseDir: loaded.dir,
    now: () => clock.now(),
  });
  const remoteShell = configRemoteShell(loaded, env);
  const registry = await pluginRegistry(loaded, {
    repository: () => (repository ??= options.openRepository(loaded)),
    store,
    clock,
    remoteShell,
  }).catch(async (error: unknown) => {
    remoteShell.destroy();
    await store.close();
    throw error;
  });
  const named = (name: string) => {
    const workflow = Object.hasOwn(workflows, name) ? workflows[name] : undefined;
    if (workflow) return workflow;
    throw new LifeboatError("LB_WORKFLOW_NOT_FOUND", `no workflow "${name}"`, {
      details: { workflow: name, known: Object.keys(workflows) },
    });
  };
  try {
    return await body({
      loaded,
      store,
      registry,
      workflows,
      plan: (name) => planWorkflow(name, named(name) as WorkflowConfig, registry),
      environmentFor: async (name, flag) => {
        const environments = Object.keys(loaded.config.environments);
        const chosen =
          flag ??
          named(name).environment ??
          (environments.length === 1 ? environments[0] : undefined);
        if (chosen === undefined) {
          throw new LifeboatError(
            "LB_USAGE",
            `workflow ${name} names no environment; pass --env (known: ${environments.join(", ") || "none"})`,
          );
        }
        const environment = environmentNamed(loaded, chosen);
        const tenant = environment.tenant ?? defaultTenant;
        await ensureEnvironment(store, chosen, { configDigest: digestOf(environment), tenant });
        return chosen;
      },
      runner: (onEvent) =>
        new WorkflowRunner({ store, registry, clock, env, ...(onEvent ? { onEvent } : {}) }),
    });
  } finally {
    const repo = await repository?.catch(() => undefined);
    remoteShell.destroy();
    await Promise.allSettled([repo?.close(), store.close()]);
  }
}

/**
 * The agent's backup workflows: for a `protect` item with `workflows`, hooks that run its
 * cycle workflow (src/workflows/cycle-hooks.ts) over the state store, with the config's plug-in
 * registry (loaded once, for the first such item). An invalid workflow fails here, at start.
 */
export function agentCycleHooks(
  loaded: LoadedConfig,
  adapters: BuiltinAdapters,
  environment: string,
  env: Readonly<Record<string, string | undefined>>,
): GroupHooksFactory {
  let registry: Promise<PluginRegistry> | undefined;
  return async (item, group) => {
    const combined = cycleWorkflow(
      (item.workflows ?? { before: [], after: [] }) as CycleWorkflows,
      loaded.config.workflows as Record<string, WorkflowConfig>,
    );
    if ("problems" in combined) throw new BugError("a validated backup workflow has problems");
    // The cycle's runs are recorded under the environment: make sure its row exists.
    const config = environmentNamed(loaded, environment);
    await ensureEnvironment(adapters.store, environment, {
      configDigest: digestOf(config),
      tenant: config.tenant ?? defaultTenant,
    });
    return new CycleHooks({
      store: adapters.store,
      registry: await (registry ??= pluginRegistry(loaded, adapters)),
      clock: adapters.clock,
      env,
      environment,
      group,
      workflow: combined.workflow,
    });
  };
}

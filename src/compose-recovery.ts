/**
 * The recovery engine's dependencies (docs/recovery.md): `plan`, `recover`, `drill` and
 * `failover` through {@link withRecovery} — the mapping, the target chosen among
 * `recovery.targets`, the executor wired to it — and `run`, `resume`, `cancel`, `teardown` of a
 * recorded run through {@link withRun}.
 */
import { loadVersion, type VersionRef } from "./capture/stored-versions.js";
import { providerNamed } from "./config/config-lookups.js";
import type { ProviderConfig } from "./model/config.js";
import { LifeboatError } from "./model/errors.js";
import { parseMappingOrThrow, type Mapping } from "./model/mapping.js";
import type { TargetSelection } from "./plan/select-target.js";
import { AwsConnection } from "./providers/aws/aws-connection.js";
import { awsConnectionOptions } from "./providers/aws/aws-connection-options.js";
import { awsTargetFacts } from "./providers/aws/aws-target-facts-source.js";
import { chooseTarget } from "./recover/choose-target.js";
import { failoverSettingsOf, type RecoveryDeps, type RunAccess } from "./recover/index.js";
import { openStore } from "./store/open-store.js";
import { requireRun } from "./store/runs-repo.js";
import {
  withEnvironment,
  withStateStore,
  type EnvironmentServices,
} from "./compose-environment.js";
import type { CompositionOptions, Env } from "./compose-options.js";
import { recoveryTargetAdapters } from "./compose-recovery-target.js";

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
  env: Env,
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

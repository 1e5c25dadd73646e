/**
 * One environment's services (`capture`, `history`, `diff`, `inventory`, and the recovery
 * commands on top of them) and the state store alone (`runs`, `run`, `failback`): the config
 * loaded, the store opened, the repository and the source provider opened on first use.
 */
import type { VersionIndex, InventoryArchive } from "./capture/version-ports.js";
import { environmentNamed, providerNamed } from "./config/config-lookups.js";
import type { DeepReadonly } from "./config/deep-freeze.js";
import { loadConfig, type LoadedConfig } from "./config/load-config.js";
import { defaultTenant } from "./model/access.js";
import { systemClock, type Clock } from "./model/clock.js";
import type { EnvironmentConfig } from "./model/config.js";
import { digestOf, type Selection } from "./model/inventory/index.js";
import type { Provider } from "./providers/provider.js";
import type { Repository } from "./repository/repository.js";
import { openStore } from "./store/open-store.js";
import type { Store } from "./store/store.js";
import {
  defaultProviderFactory,
  type ClosableProvider,
  type CompositionOptions,
} from "./compose-options.js";
import { openRepository, repositoryArchive, storeVersionIndex } from "./compose-repository.js";

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

function selectionOf(environment: DeepReadonly<EnvironmentConfig>): Selection {
  const { tags, network, ids } = environment.select;
  return {
    ...(tags === undefined ? {} : { tags: { ...tags } }),
    ...(network === undefined ? {} : { network }),
    ...(ids === undefined ? {} : { ids: [...ids] }),
  };
}

/**
 * The long-lived services `lifeboat serve` shares between requests, and the recovery points as
 * `status` and the watcher read them.
 */
import type { InventoryArchive, VersionIndex } from "./capture/version-ports.js";
import { environmentNamed } from "./config/config-lookups.js";
import { loadConfig, type LoadedConfig } from "./config/load-config.js";
import { defaultTenant } from "./model/access.js";
import { systemClock, type Clock } from "./model/clock.js";
import { digestOf } from "./model/inventory/index.js";
import type { Repository } from "./repository/repository.js";
import { ensureEnvironment } from "./store/environments-repo.js";
import { openStore } from "./store/open-store.js";
import { newestRecoveryPoint } from "./store/recovery-points-repo.js";
import type { Store } from "./store/store.js";
import type { RecoveryPointReader } from "./watch/recovery-point-reader.js";
import type { CompositionOptions } from "./compose-options.js";
import { openRepository, repositoryArchive, storeVersionIndex } from "./compose-repository.js";

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

/** Recovery points as `status` and the watcher read them: the `recovery_points` table. */
export function recoveryPointReader(store: Store): RecoveryPointReader {
  return {
    newest: async (environment) => {
      const point = await newestRecoveryPoint(store, environment);
      return point && { id: point.id, source: point.source, kind: point.kind, at: point.at };
    },
  };
}

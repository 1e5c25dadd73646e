import {
  openServerServices,
  recoveryPointReader,
  type CompositionOptions,
} from "../composition.js";
import { defaultTenant } from "../model/access.js";
import { parseDuration } from "../model/duration.js";
import { repositoryStats } from "../repository/stats.js";
import { rpoBudgetMs } from "../watch/watch-from-config.js";
import type { ApiDeps, ApiEnvironment } from "./api-deps.js";

/** The API's dependencies from the config, plus what to close when the server stops. */
export interface ApiServices {
  readonly deps: ApiDeps;
  close(): Promise<void>;
}

/**
 * Wires {@link ApiDeps} from the composition root's server services: the config's
 * environments with their tenants, one store, one lazily opened repository.
 */
export async function openApiServices(
  options: CompositionOptions &
    Partial<Pick<ApiDeps, "runs" | "webRoot" | "metricsNeedToken" | "scheduler">>,
): Promise<ApiServices & { readonly services: Awaited<ReturnType<typeof openServerServices>> }> {
  const services = await openServerServices(options);
  const environments: ApiEnvironment[] = Object.entries(services.loaded.config.environments).map(
    ([name, e]) => ({
      name,
      tenant: e.tenant ?? defaultTenant,
      rpoBudgetMs: rpoBudgetMs(e.protect),
      captureEveryMs: parseDuration(e.capture.every) ?? 0,
    }),
  );
  const { runs, webRoot, metricsNeedToken, scheduler } = options;
  const deps: ApiDeps = {
    store: services.store,
    clock: services.clock,
    environments,
    inventories: (name) => services.inventories(name),
    repositoryStats: async () => repositoryStats(await services.repository()),
    recoveryPoints: recoveryPointReader(services.store),
    ...(runs === undefined ? {} : { runs }),
    ...(webRoot === undefined ? {} : { webRoot }),
    ...(metricsNeedToken === undefined ? {} : { metricsNeedToken }),
    ...(scheduler === undefined ? {} : { scheduler }),
  };
  return { deps, services, close: () => services.close() };
}

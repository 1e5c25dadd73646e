/**
 * The repository and the version index as the composition root opens them: the repository the
 * config names, inventories as encrypted `inventory` documents in it, and the index of versions
 * in the state store.
 */
import { repositoryLocation } from "./config/config-locations.js";
import type { LoadedConfig } from "./config/load-config.js";
import type { InventoryArchive, InventoryVersion, VersionIndex } from "./capture/version-ports.js";
import { backendFromUrl } from "./repository/backends/backend-from-url.js";
import type { KdfParams } from "./repository/crypto/kdf.js";
import { loadDocument, saveDocument } from "./repository/json-document.js";
import { Repository } from "./repository/repository.js";
import { ensureEnvironment } from "./store/environments-repo.js";
import {
  getInventoryVersion,
  latestInventoryVersion,
  listInventoryVersions,
  recordInventoryCapture,
} from "./store/inventory-versions-repo.js";
import type { Store } from "./store/store.js";

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

/** The version index over the state store's `inventory_versions` table. */
export function storeVersionIndex(
  store: Store,
  configDigest: string,
  tenant: string,
): VersionIndex {
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

/** Inventories as encrypted `inventory` snapshots (docs/capture.md, "Where versions live"). */
export function repositoryArchive(repo: Repository): InventoryArchive {
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

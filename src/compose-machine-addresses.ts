/**
 * The `ssh` action's machine addresses, wired to the environment's latest captured inventory:
 * the inventory version the state store indexes, read back from the repository and checked
 * against its digest (a damaged document is `LB_REPO_OBJECT_CORRUPT`, never a wrong address).
 */
import { LifeboatError } from "./model/errors.js";
import { inventoryDigest, inventorySchema } from "./model/inventory/inventory.js";
import type { MachineAddresses } from "./plugins/machine-address-port.js";
import { loadDocument } from "./repository/json-document.js";
import type { Repository } from "./repository/repository.js";
import { latestInventoryVersion } from "./store/inventory-versions-repo.js";
import type { Store } from "./store/store.js";

export function inventoryMachineAddresses(
  store: Store,
  repository: () => Promise<Repository>,
): MachineAddresses {
  return {
    async addressOf({ environment, instanceId }) {
      const version = await latestInventoryVersion(store, environment);
      if (!version) return null;
      const document = await loadDocument(await repository(), version.snapshotId);
      const parsed = inventorySchema.safeParse(document);
      if (!parsed.success || inventoryDigest(parsed.data) !== version.digest) {
        throw new LifeboatError(
          "LB_REPO_OBJECT_CORRUPT",
          `${environment} version ${version.version}: snapshot ${version.snapshotId} does not hold the indexed inventory`,
          { details: { environment, version: version.version, snapshot: version.snapshotId } },
        );
      }
      const machine = parsed.data.resources.find(
        (r) => r.kind === "machine" && r.providerId === instanceId,
      );
      return machine?.kind === "machine" ? (machine.properties.privateIps[0] ?? null) : null;
    },
  };
}

import { LifeboatError } from "../model/errors.js";
import { referencesOf, type LogicalId, type Selection } from "../model/inventory/index.js";
import type { DiscoveredResource } from "../providers/provider.js";
import { placementPath } from "./closure-rules.js";

type By = "tags" | "network" | "ids";

/**
 * Decides which discovered resources a selection names directly (before closure). Criteria are
 * alternatives: a resource is selected when it carries all the given tags, OR lies in the given
 * network, OR is named in `ids` (a logical id, the provider's id or ARN, or a name such as
 * `shop-web`, which selects every kind so named). Default resources inside a
 * selected network are not selected by the network alone. An id or network that the provider
 * does not know is an error (LB_PROVIDER_NOT_FOUND), not an empty environment.
 */
export function selectDirectly(
  discovered: readonly DiscoveredResource[],
  selection: Selection,
): Map<LogicalId, By> {
  const byId = new Map(discovered.map((d) => [d.resource.id as string, d]));
  const selected = new Map<LogicalId, By>();
  const ids = selection.ids ?? [];
  const found = new Set<string>();
  for (const { resource } of discovered) {
    for (const wanted of ids) {
      // The logical id, the provider's id or ARN, or the logical id's provider part (a name).
      const idPart = resource.id.slice(resource.kind.length + 1);
      if (wanted === resource.id || wanted === resource.providerId || wanted === idPart) {
        found.add(wanted);
        selected.set(resource.id, "ids");
      }
    }
  }
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new LifeboatError(
      "LB_PROVIDER_NOT_FOUND",
      `selected ids not found: ${missing.join(", ")}`,
      {
        details: { ids: missing },
        remedy:
          "Correct `select.ids` in the config: use ids the provider shows, e.g. vpc-…, or kind:id.",
      },
    );
  }
  if (selection.network !== undefined) {
    const network = selection.network.startsWith("network:")
      ? selection.network
      : `network:${selection.network}`;
    if (!byId.has(network)) {
      throw new LifeboatError("LB_PROVIDER_NOT_FOUND", `network ${selection.network} not found`, {
        details: { network: selection.network },
        remedy: "Correct `select.network` in the config.",
      });
    }
    const placement = placements(byId);
    for (const { resource, facts } of discovered) {
      if (selected.has(resource.id) || facts.isDefault || facts.managedBy) continue;
      if (placement(resource.id) === network) selected.set(resource.id, "network");
    }
  }
  const tags = Object.entries(selection.tags ?? {});
  if (tags.length > 0) {
    for (const { resource } of discovered) {
      if (selected.has(resource.id)) continue;
      if (tags.every(([key, value]) => resource.tags[key] === value)) {
        selected.set(resource.id, "tags");
      }
    }
  }
  return selected;
}

/** The network a resource lives in, following placement references (memoised, cycle-safe). */
function placements(byId: ReadonlyMap<string, DiscoveredResource>) {
  const memo = new Map<string, string | undefined>();
  const networkOf = (id: string): string | undefined => {
    if (memo.has(id)) return memo.get(id);
    memo.set(id, undefined);
    const entry = byId.get(id);
    let network: string | undefined;
    if (entry?.resource.kind === "network") network = id;
    else if (entry) {
      for (const r of referencesOf(entry.resource)) {
        if (!placementPath.test(r.path)) continue;
        network = networkOf(r.target);
        if (network) break;
      }
    }
    memo.set(id, network);
    return network;
  };
  return networkOf;
}

import {
  buildInventory,
  countsByKind,
  inventoryDigest,
  type Inventory,
  type KindCounts,
  type Selection,
} from "../model/inventory/index.js";
import type { ApiCallStats, DiscoveryRequest, Provider } from "../providers/provider.js";
import { closeOver } from "./closure.js";
import type { Explanation } from "./explanation.js";

export interface CaptureResult {
  readonly inventory: Inventory;
  /** `sha256:<hex>` of the canonical inventory; equal for an unchanged environment. */
  readonly digest: string;
  readonly counts: KindCounts;
  readonly explanation: Explanation;
  /** API calls this capture made (the provider's counters before and after). */
  readonly apiCalls: ApiCallStats;
}

/**
 * Captures one environment: discovers the provider's region, selects, closes over
 * dependencies and builds the canonical inventory. Read-only and safe to repeat; it stores
 * nothing (storing versions is the caller's job). Provider failures surface as their
 * `LB_PROVIDER_*` errors, and nothing is returned then, so a partial inventory never exists.
 */
export async function captureEnvironment(
  provider: Provider,
  selection: Selection,
  request: DiscoveryRequest = {},
): Promise<CaptureResult> {
  // The order ids are listed in is not part of what the environment is.
  const canonical: Selection = selection.ids
    ? { ...selection, ids: [...new Set(selection.ids)].sort() }
    : selection;
  const before = provider.apiCalls();
  const discovery = await provider.discover(request);
  const closure = closeOver(discovery, canonical);
  const inventory = buildInventory({
    provider: provider.type,
    account: discovery.account,
    region: discovery.region,
    selection: canonical,
    resources: closure.resources.map((d) => d.resource),
    externals: closure.externals,
  });
  return {
    inventory,
    digest: inventoryDigest(inventory),
    counts: countsByKind(inventory),
    explanation: closure.explanation,
    apiCalls: callsSince(before, provider.apiCalls()),
  };
}

function callsSince(before: ApiCallStats, after: ApiCallStats): ApiCallStats {
  const byOperation: Record<string, number> = {};
  for (const [op, n] of Object.entries(after.byOperation)) {
    const delta = n - (before.byOperation[op] ?? 0);
    if (delta > 0) byOperation[op] = delta;
  }
  return {
    calls: after.calls - before.calls,
    attempts: after.attempts - before.attempts,
    byOperation,
  };
}

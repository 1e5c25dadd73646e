import {
  externalOnlyKinds,
  isRef,
  parseLogicalId,
  referencesOf,
  type External,
  type LogicalId,
  type Selection,
} from "../model/inventory/index.js";
import { unexpectedShape, type DiscoveredResource, type Discovery } from "../providers/provider.js";
import { partOfRules, sameNetworkOnlyPath } from "./closure-rules.js";
import type { Explanation, InclusionReason, LeftOutEntry } from "./explanation.js";
import { selectDirectly } from "./selection-match.js";

export interface Closure {
  readonly resources: readonly DiscoveredResource[];
  readonly externals: readonly External[];
  readonly explanation: Explanation;
}

/**
 * The environment a selection denotes: the selected resources, everything they depend on
 * (transitively), and the parts that belong to them (`partOfRules`). Machines a scaling group
 * manages never join: the group recreates them, and their churn is not a change of the
 * environment. Every reference that leaves the environment becomes an explicit external.
 */
export function closeOver(discovery: Discovery, selection: Selection): Closure {
  const byId = new Map(discovery.resources.map((d) => [d.resource.id as string, d]));
  const included = new Map<LogicalId, InclusionReason[]>();
  const queue: LogicalId[] = [];
  const add = (id: LogicalId, why: InclusionReason) => {
    const entry = byId.get(id);
    if (!entry || entry.facts.managedBy) return;
    const reasons = included.get(id);
    if (reasons) reasons.push(why);
    else {
      included.set(id, [why]);
      queue.push(id);
    }
  };
  const parts = partsIndex(discovery.resources);
  for (const [id, by] of selectDirectly(discovery.resources, selection)) {
    add(id, { type: "selected", by });
  }
  const drain = () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const entry = byId.get(id);
      if (!entry) continue;
      for (const r of referencesOf(entry.resource)) {
        const target = byId.get(r.target);
        if (!target) continue;
        if (sameNetworkOnlyPath.test(r.path) && networkOf(target) !== networkOf(entry)) continue;
        add(r.target, { type: "dependency", of: id, path: r.path });
      }
      for (const part of parts.get(id) ?? []) {
        if (!part.weak) add(part.id, { type: "part-of", of: id, why: part.why });
      }
    }
  };
  drain();
  addMainRouteTables(discovery.resources, included, add);
  drain();
  const outside = new Map<string, LogicalId>();
  for (const [id] of [...included]) {
    for (const part of parts.get(id) ?? []) {
      if (!part.weak || included.has(part.id)) continue;
      const target = referencesOf(byId.get(part.id)?.resource ?? { properties: {} })
        .map((r) => r.target)
        .find((t) => byId.has(t) && !included.has(t));
      if (target) outside.set(part.id, target);
      else add(part.id, { type: "part-of", of: id, why: part.why });
    }
  }
  drain();
  const resources = discovery.resources.filter((d) => included.has(d.resource.id));
  const externals = externalsOf(resources, byId, discovery.externals);
  const leftOut: LeftOutEntry[] = [
    ...discovery.resources
      .filter((d) => !included.has(d.resource.id))
      .map(({ resource: r, facts }) => ({
        id: r.id,
        kind: r.kind,
        name: r.name,
        why: facts.managedBy
          ? ({ type: "managed", by: facts.managedBy } as const)
          : outside.has(r.id)
            ? ({ type: "target-outside", target: outside.get(r.id) as LogicalId } as const)
            : facts.isDefault
              ? ({ type: "default" } as const)
              : ({ type: "not-selected" } as const),
      })),
    ...discovery.ignored.map((i) => ({
      id: i.providerId,
      kind: i.kind,
      name: i.providerId,
      why: { type: "ignored", why: i.reason } as const,
    })),
  ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    resources,
    externals,
    explanation: {
      included: resources
        .map(({ resource: r }) => ({
          id: r.id,
          kind: r.kind,
          name: r.name,
          why: included.get(r.id) ?? [],
        }))
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
      leftOut,
      externals,
      warnings: [
        ...(resources.length === 0
          ? ["the selection matched no resource; check the tags, network or ids in the config"]
          : []),
        ...discovery.ignored
          .filter((i) => i.reason.startsWith(unexpectedShape))
          .map((i) => `${i.kind} ${i.providerId} was set aside (${i.reason}); please report it`),
      ],
    },
  };
}

/** The network a resource names directly (`properties.network`), if any. */
function networkOf(entry: DiscoveredResource): string | undefined {
  const network = (entry.resource.properties as { network?: unknown }).network;
  return isRef(network) ? network.ref : undefined;
}

interface Part {
  readonly id: LogicalId;
  readonly why: string;
  readonly weak: boolean;
}

/** Owner id → its parts, by the part-of rules. */
function partsIndex(resources: readonly DiscoveredResource[]): Map<string, Part[]> {
  const index = new Map<string, Part[]>();
  for (const { resource } of resources) {
    for (const rule of partOfRules) {
      if (rule.kind !== resource.kind) continue;
      for (const r of referencesOf(resource)) {
        if (!rule.path.test(r.path)) continue;
        const list = index.get(r.target) ?? [];
        list.push({ id: resource.id, why: rule.why, weak: rule.weak === true });
        index.set(r.target, list);
      }
    }
  }
  return index;
}

/** A subnet with no explicit route table association uses its network's main table. */
function addMainRouteTables(
  resources: readonly DiscoveredResource[],
  included: ReadonlyMap<LogicalId, InclusionReason[]>,
  add: (id: LogicalId, why: InclusionReason) => void,
): void {
  const associated = new Set<string>();
  const mainOf = new Map<string, LogicalId>();
  for (const { resource } of resources) {
    if (resource.kind !== "route-table") continue;
    for (const a of resource.properties.associations) associated.add(a.ref);
    if (resource.properties.main) mainOf.set(resource.properties.network.ref, resource.id);
  }
  for (const { resource } of resources) {
    if (resource.kind !== "subnet" || !included.has(resource.id) || associated.has(resource.id)) {
      continue;
    }
    const main = mainOf.get(resource.properties.network.ref);
    if (main)
      add(main, {
        type: "part-of",
        of: resource.id,
        why: "main route table, used implicitly by the subnet",
      });
  }
}

function externalsOf(
  resources: readonly DiscoveredResource[],
  byId: ReadonlyMap<string, DiscoveredResource>,
  known: readonly External[],
): External[] {
  const inside = new Set(resources.map((d) => d.resource.id as string));
  const fromProvider = new Map(known.map((e) => [e.id as string, e]));
  const out = new Map<string, External>();
  for (const { resource } of resources) {
    for (const { target } of referencesOf(resource)) {
      if (inside.has(target) || out.has(target)) continue;
      const parsed = parseLogicalId(target);
      const kind = parsed?.kind ?? "dns-target";
      const providerId = parsed?.providerId ?? target;
      const seen = byId.get(target);
      const given = fromProvider.get(target);
      const make = (reason: External["reason"], hints: Record<string, string> = {}): External => ({
        id: target,
        kind,
        providerId,
        reason,
        hints,
      });
      if (seen?.facts.managedBy)
        out.set(target, make("managed", { managedBy: seen.facts.managedBy }));
      else if (seen) out.set(target, make("outside-selection"));
      else if (given) out.set(target, given);
      else if ((externalOnlyKinds as readonly string[]).includes(kind))
        out.set(target, make("not-captured-kind"));
      else out.set(target, make("not-found"));
    }
  }
  return [...out.values()];
}

import { isRef, referencesOf, type LogicalId, type Resource } from "../model/inventory/index.js";
import { matches, orderingTable, type OrderingRule } from "./ordering-table.js";
import type { DraftStep } from "./resource-steps.js";

/**
 * The dependency edges of every step: its structural predecessors, the steps that bind the
 * references in its input, and the ordering table's rules. Returns step id → the ids it waits for.
 */
export function orderEdges(
  drafts: readonly DraftStep[],
  bindings: Readonly<Record<string, string>>,
  byId: ReadonlyMap<LogicalId, Resource>,
): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>(drafts.map((d) => [d.id, new Set(d.after)]));
  for (const d of drafts) {
    const deps = edges.get(d.id)!;
    for (const target of refsIn(d.input)) {
      const binder = bindings[target];
      if (binder !== undefined && binder !== d.id) deps.add(binder);
    }
  }
  const networkOf = networkFinder(byId);
  const reach = reachFinder(byId);
  const refs = new Map(drafts.map((d) => [d.id, new Set(refsIn(d.input))]));
  for (const rule of orderingTable) {
    const earlierSteps = drafts.filter((d) => rule.earlier.some((m) => matches(m, d)));
    for (const later of drafts.filter((d) => matches(rule.later, d))) {
      const deps = edges.get(later.id)!;
      for (const earlier of earlierSteps) {
        if (earlier.id === later.id) continue;
        const scope = { networkOf, reach, laterRefs: refs.get(later.id)! };
        if (rule.yieldsToReferences && reach(earlier.resource).has(later.resource)) continue;
        if (inScope(rule, later, earlier, scope)) deps.add(earlier.id);
      }
    }
  }
  return edges;
}

interface ScopeHelpers {
  readonly networkOf: (id: LogicalId) => LogicalId | undefined;
  readonly reach: (id: LogicalId) => ReadonlySet<LogicalId>;
  readonly laterRefs: ReadonlySet<LogicalId>;
}

function inScope(
  rule: OrderingRule,
  later: DraftStep,
  earlier: DraftStep,
  { networkOf, reach, laterRefs }: ScopeHelpers,
): boolean {
  switch (rule.scope) {
    case "plan":
      return true;
    case "network": {
      const a = networkOf(later.resource);
      const b = networkOf(earlier.resource);
      return a === undefined || b === undefined || a === b;
    }
    case "referenced":
      return laterRefs.has(earlier.resource);
    case "uses":
      return reach(later.resource).has(earlier.resource);
  }
}

/** The logical ids a step input refers to with `{ref}`. */
export function refsIn(value: unknown, found: LogicalId[] = []): LogicalId[] {
  if (isRef(value)) found.push(value.ref);
  else if (Array.isArray(value)) value.forEach((v) => refsIn(v, found));
  else if (typeof value === "object" && value !== null) {
    Object.values(value).forEach((v) => refsIn(v, found));
  }
  return found;
}

/** The network a resource lives in: the first network reached through its references. */
function networkFinder(byId: ReadonlyMap<LogicalId, Resource>) {
  const memo = new Map<LogicalId, LogicalId | undefined>();
  return (start: LogicalId): LogicalId | undefined => {
    if (memo.has(start)) return memo.get(start);
    const seen = new Set<LogicalId>([start]);
    const queue: LogicalId[] = [start];
    let found: LogicalId | undefined;
    for (let id = queue.shift(); id !== undefined && !found; id = queue.shift()) {
      const r = byId.get(id);
      if (r?.kind === "network") found = r.id;
      for (const f of r ? referencesOf(r) : []) {
        if (!seen.has(f.target)) {
          seen.add(f.target);
          queue.push(f.target);
        }
      }
    }
    memo.set(start, found);
    return found;
  };
}

/** Every resource reachable from a resource through references, memoized. */
function reachFinder(byId: ReadonlyMap<LogicalId, Resource>) {
  const memo = new Map<LogicalId, Set<LogicalId>>();
  return (start: LogicalId): ReadonlySet<LogicalId> => {
    const known = memo.get(start);
    if (known) return known;
    const seen = new Set<LogicalId>();
    const queue: LogicalId[] = [start];
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const r = byId.get(id);
      for (const f of r ? referencesOf(r) : []) {
        if (!seen.has(f.target)) {
          seen.add(f.target);
          queue.push(f.target);
        }
      }
    }
    memo.set(start, seen);
    return seen;
  };
}

import { canonicalJson } from "./canonical-json.js";
import type { External, Inventory } from "./inventory.js";
import type { LogicalId, ResourceKind } from "./logical-id.js";
import type { Resource } from "./resource.js";

/**
 * One changed field. `path` is a dotted path from the resource root (`properties.desiredCapacity`,
 * `tags.env`). An absent `old` means the field was added, an absent `new` that it was removed.
 * Arrays of the same length are compared item by item (`routes[1].target`); arrays whose length
 * changed are compared as sets, and each added or removed item is one change at `path[]`.
 */
export interface FieldChange {
  readonly path: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

export interface ResourceSummary {
  readonly id: LogicalId;
  readonly kind: ResourceKind;
  readonly name: string;
}

export interface ResourceChange extends ResourceSummary {
  readonly changes: readonly FieldChange[];
}

export interface InventoryDiff {
  /** Changes of the inventory's own fields (account, region, selection, format). */
  readonly header: readonly FieldChange[];
  readonly added: readonly ResourceSummary[];
  readonly removed: readonly ResourceSummary[];
  readonly changed: readonly ResourceChange[];
  readonly externalsAdded: readonly LogicalId[];
  readonly externalsRemoved: readonly LogicalId[];
  /** Externals present in both whose reason or hints changed (an image that vanished). */
  readonly externalsChanged: readonly {
    readonly id: LogicalId;
    readonly changes: readonly FieldChange[];
  }[];
}

/** What changed from `from` to `to`; every list is sorted by id. Pure. */
export function diffInventories(
  from: Pick<Inventory, "resources" | "externals"> & Partial<Inventory>,
  to: Pick<Inventory, "resources" | "externals"> & Partial<Inventory>,
): InventoryDiff {
  const before = new Map(from.resources.map((r) => [r.id, r]));
  const after = new Map(to.resources.map((r) => [r.id, r]));
  const summary = (r: Resource): ResourceSummary => ({ id: r.id, kind: r.kind, name: r.name });
  const added = to.resources.filter((r) => !before.has(r.id)).map(summary);
  const removed = from.resources.filter((r) => !after.has(r.id)).map(summary);
  const changed: ResourceChange[] = [];
  for (const next of to.resources) {
    const prev = before.get(next.id);
    if (!prev) continue;
    const changes: FieldChange[] = [];
    compare(withoutId(prev), withoutId(next), "", changes);
    if (changes.length > 0) changed.push({ ...summary(next), changes });
  }
  const extBefore = new Map(from.externals.map((e) => [e.id, e]));
  const extAfter = new Map(to.externals.map((e) => [e.id, e]));
  const externalsChanged: { id: LogicalId; changes: FieldChange[] }[] = [];
  for (const [id, next] of extAfter) {
    const prev = extBefore.get(id);
    if (!prev) continue;
    const changes: FieldChange[] = [];
    compare(prev as External, next, "", changes);
    if (changes.length > 0) externalsChanged.push({ id, changes });
  }
  const header: FieldChange[] = [];
  compare(headerOf(from), headerOf(to), "", header);
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
  return {
    header,
    added: added.sort(byId),
    removed: removed.sort(byId),
    changed: changed.sort(byId),
    externalsAdded: [...extAfter.keys()].filter((id) => !extBefore.has(id)).sort(),
    externalsRemoved: [...extBefore.keys()].filter((id) => !extAfter.has(id)).sort(),
    externalsChanged: externalsChanged.sort(byId),
  };
}

export function isEmptyDiff(diff: InventoryDiff): boolean {
  return (
    diff.header.length + diff.added.length + diff.removed.length + diff.changed.length === 0 &&
    diff.externalsAdded.length + diff.externalsRemoved.length + diff.externalsChanged.length === 0
  );
}

function headerOf(inventory: Partial<Inventory>): Record<string, unknown> {
  const { format, provider, account, region, selection } = inventory;
  return { format, provider, account, region, selection };
}

function withoutId(resource: Resource): Record<string, unknown> {
  const { id: _id, ...rest } = resource;
  return rest;
}

const join = (path: string, key: string) => (path === "" ? key : `${path}.${key}`);

function compare(old: unknown, now: unknown, path: string, out: FieldChange[]): void {
  if (canonicalJson(old) === canonicalJson(now)) return;
  if (isRecord(old) && isRecord(now)) {
    const keys = [...new Set([...Object.keys(old), ...Object.keys(now)])].sort();
    for (const key of keys) {
      const [a, b] = [old[key], now[key]];
      if (a === undefined && b === undefined) continue;
      if (a === undefined && b !== undefined) out.push({ path: join(path, key), new: b });
      else if (a !== undefined && b === undefined) out.push({ path: join(path, key), old: a });
      else compare(a, b, join(path, key), out);
    }
    return;
  }
  if (Array.isArray(old) && Array.isArray(now)) {
    if (old.length === now.length) {
      old.forEach((item, i) => compare(item, now[i], `${path}[${i}]`, out));
      return;
    }
    for (const item of minus(old, now)) out.push({ path: `${path}[]`, old: item });
    for (const item of minus(now, old)) out.push({ path: `${path}[]`, new: item });
    return;
  }
  out.push({ path, old, new: now });
}

/** Items of `a` not matched one-for-one by an equal item of `b` (multiset difference). */
function minus(a: readonly unknown[], b: readonly unknown[]): unknown[] {
  const left = new Map<string, number>();
  for (const item of b) left.set(canonicalJson(item), (left.get(canonicalJson(item)) ?? 0) + 1);
  return a.filter((item) => {
    const n = left.get(canonicalJson(item)) ?? 0;
    if (n > 0) left.set(canonicalJson(item), n - 1);
    return n === 0;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

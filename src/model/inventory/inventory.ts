import { z } from "zod";
import { BugError } from "../errors.js";
import { canonicalJson, compareCanonical, digestOf } from "./canonical-json.js";
import {
  anyKindSchema,
  logicalIdSchema,
  resourceKinds,
  type LogicalId,
  type ResourceKind,
} from "./logical-id.js";
import { referencesOf } from "./references.js";
import { resourceSchema, type Resource } from "./resource.js";

export const inventoryFormat = "lifeboat.inventory/v1";

/** Why a referenced thing is not one of the inventory's resources. */
export const externalReasons = [
  "not-captured-kind", // the kind belongs to the account or another service (key pair, ...)
  "other-owner", // e.g. a public image owned by another account
  "not-found", // the source names it, but the provider no longer has it
  "managed", // it exists, but another resource creates it (a scaling group's machine)
  "outside-selection", // it exists in the region but the selection leaves it out
] as const;
export type ExternalReason = (typeof externalReasons)[number];

/** Something referenced by the environment but deliberately not part of it. */
export const externalSchema = z.strictObject({
  id: logicalIdSchema,
  kind: anyKindSchema,
  providerId: z.string(),
  reason: z.enum(externalReasons),
  /** What a rebuild can use to find an equivalent in the target (an image name, an owner). */
  hints: z.record(z.string(), z.string()),
});
export type External = z.infer<typeof externalSchema>;

export const selectionSchema = z
  .strictObject({
    tags: z.record(z.string(), z.string()).optional(),
    network: z.string().optional(),
    ids: z.array(z.string()).optional(),
  })
  .refine(
    (s) => s.tags !== undefined || s.network !== undefined || (s.ids?.length ?? 0) > 0,
    "a selection needs tags, a network or ids",
  );
export type Selection = z.infer<typeof selectionSchema>;

/**
 * A captured environment. Canonical: resources and externals sorted by id; the digest covers
 * everything here, so two captures of an unchanged environment have the same digest.
 */
export const inventorySchema = z.strictObject({
  format: z.literal(inventoryFormat),
  provider: z.string(),
  account: z.string(),
  region: z.string(),
  selection: selectionSchema,
  resources: z.array(resourceSchema),
  externals: z.array(externalSchema),
});
export type Inventory = z.infer<typeof inventorySchema>;

export type KindCounts = Partial<Record<ResourceKind, number>>;

export interface InventoryInput {
  readonly provider: string;
  readonly account: string;
  readonly region: string;
  readonly selection: Selection;
  readonly resources: readonly Resource[];
  readonly externals: readonly External[];
}

/**
 * Builds the canonical inventory: sorts every set-like collection, checks that ids are unique
 * and that every reference resolves to a resource or an external, and validates with zod.
 * A dangling reference is a bug in whoever assembled the input, so it throws BugError.
 */
export function buildInventory(input: InventoryInput): Inventory {
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const inventory: Inventory = {
    format: inventoryFormat,
    provider: input.provider,
    account: input.account,
    region: input.region,
    selection: input.selection,
    resources: [...input.resources].sort(byId),
    externals: [...input.externals].sort(byId),
  };
  const known = new Set<string>();
  for (const item of [...inventory.resources, ...inventory.externals]) {
    if (known.has(item.id)) throw new BugError(`inventory: duplicate id ${item.id}`);
    known.add(item.id);
  }
  const dangling = unresolvedReferences(inventory);
  if (dangling.length > 0) {
    throw new BugError(`inventory: unresolved references ${canonicalJson(dangling.slice(0, 5))}`);
  }
  return inventorySchema.parse(inventory);
}

/** References that name neither a resource nor an external of the inventory. */
export function unresolvedReferences(
  inventory: Pick<Inventory, "resources" | "externals">,
): { from: LogicalId; path: string; target: LogicalId }[] {
  const known = new Set<string>([
    ...inventory.resources.map((r) => r.id),
    ...inventory.externals.map((e) => e.id),
  ]);
  return inventory.resources.flatMap((resource) =>
    referencesOf(resource)
      .filter((r) => !known.has(r.target))
      .map((r) => ({ from: resource.id, path: r.path, target: r.target })),
  );
}

export function inventoryDigest(inventory: Inventory): string {
  return digestOf(inventory);
}

export function countsByKind(inventory: Pick<Inventory, "resources">): KindCounts {
  const counts: KindCounts = {};
  for (const kind of resourceKinds) {
    const n = inventory.resources.filter((r) => r.kind === kind).length;
    if (n > 0) counts[kind] = n;
  }
  return counts;
}

/** Sorts a set-like array into canonical order (by canonical JSON), dropping exact duplicates. */
export function canonicalSet<T>(items: readonly T[]): T[] {
  const sorted = [...items].sort(compareCanonical);
  return sorted.filter((item, i) => i === 0 || compareCanonical(sorted[i - 1], item) !== 0);
}

import { captureEnvironment } from "../capture/capture.js";
import type { Inventory, JsonValue, LogicalId, Resource } from "../model/inventory/index.js";
import type { Plan, Step } from "../model/plan/index.js";
import type { Provider } from "../providers/provider.js";
import {
  ignoredKindProperties,
  ignoredProperties,
  lifeboatTagPrefix,
  unorderedLists,
} from "./verify-rules.js";

/** One way the target differs from the source seen through the mapping. */
export interface VerificationDifference {
  /** The source resource's logical id. */
  readonly resource: LogicalId;
  /** `missing`, `duplicated`, or a field path such as `properties.cidrBlock`. */
  readonly path: string;
  readonly expected: JsonValue | null;
  readonly actual: JsonValue | null;
}

/** The verification of a run (`report.verification` of `lifeboat run <id> --json`). */
export interface Verification {
  readonly result: "equivalent" | "different";
  /** Resources the run created or copied that were compared. */
  readonly checked: number;
  readonly differences: readonly VerificationDifference[];
  /** When the target was captured (ISO-8601). */
  readonly capturedAt: string;
}

const sourceIdTag = "lifeboat:source-id";
const runTag = "lifeboat:run";

/**
 * Captures what run `runId` made in the target (selected by its `lifeboat:run` tag) and
 * compares it with the plan's desired specs — the source inventory translated through the
 * mapping (names with suffix, zones, CIDRs, instance types, references by source id). Read-only.
 */
export async function verifyRecovery(
  target: Provider,
  runId: string,
  plan: Plan,
  now: Date,
  signal?: AbortSignal,
): Promise<Verification> {
  const { inventory } = await captureEnvironment(
    target,
    { tags: { [runTag]: runId } },
    signal === undefined ? {} : { signal },
  );
  return compareRecovery(plan, inventory, now);
}

/**
 * The pure half of {@link verifyRecovery}: every resource a `create` or `copy` step of the plan
 * made must exist once in `target` (found by its `lifeboat:source-id` tag) with the spec's name,
 * zone, tags and properties; references compare by source id. Fields in
 * {@link ignoredProperties} are skipped, as are references to what the plan did not rebuild.
 */
export function compareRecovery(plan: Plan, target: Inventory, now: Date): Verification {
  const bySource = new Map<string, Resource[]>();
  for (const r of target.resources) {
    const source = r.tags[sourceIdTag];
    if (source !== undefined) bySource.set(source, [...(bySource.get(source) ?? []), r]);
  }
  const sourceOf = new Map<string, string>();
  for (const [source, found] of bySource) for (const r of found) sourceOf.set(r.id, source);
  const differences: VerificationDifference[] = [];
  let checked = 0;
  for (const step of madeSteps(plan)) {
    checked++;
    const found = bySource.get(step.resource) ?? [];
    const base = { resource: step.resource };
    if (found.length === 0) {
      differences.push({ ...base, path: "missing", expected: step.resource, actual: null });
      continue;
    }
    if (found.length > 1) {
      differences.push({
        ...base,
        path: "duplicated",
        expected: 1,
        actual: found.map((r) => r.id),
      });
    }
    const actual = found[0]!;
    const spec = step.input as { [key: string]: JsonValue };
    const push = (path: string, expected: JsonValue, got: JsonValue | undefined) =>
      differences.push({ ...base, path, expected, actual: got ?? null });
    // A resource's name is its Name tag where it has one; the copy keeps the source's Name tag.
    const names = [spec.name, (spec.tags as Record<string, JsonValue> | undefined)?.Name];
    if (spec.name !== undefined && !names.includes(actual.name)) {
      push("name", spec.name, actual.name);
    }
    const zone = (spec.location as { zone?: string } | undefined)?.zone;
    if (zone !== undefined && zone !== actual.location.zone) {
      push("location.zone", zone, actual.location.zone);
    }
    const tags = (spec.tags ?? {}) as Record<string, string>;
    for (const [key, value] of Object.entries(tags)) {
      if (actual.tags[key] !== value) push(`tags.${key}`, value, actual.tags[key]);
    }
    compareValue(
      spec.properties ?? null,
      actual.properties as JsonValue,
      "properties",
      { sourceOf, kind: actual.kind },
      push,
    );
  }
  return {
    result: differences.length === 0 ? "equivalent" : "different",
    checked,
    differences,
    capturedAt: now.toISOString(),
  };
}

/** The steps whose output is a resource the run made (not adopted, not a DNS change). */
/** A step that rebuilds one resource (create, copy): it always names it. */
type ResourceStep = Step & { readonly resource: NonNullable<Step["resource"]> };

function madeSteps(plan: Plan): ResourceStep[] {
  const binding = new Set(Object.values(plan.bindings));
  return plan.steps.filter(
    (s): s is ResourceStep =>
      binding.has(s.id) && (s.kind === "create" || s.kind === "copy") && s.resource !== undefined,
  );
}

type Push = (path: string, expected: JsonValue, actual: JsonValue | undefined) => void;

interface CompareContext {
  readonly sourceOf: ReadonlyMap<string, string>;
  readonly kind: string;
}

function compareValue(
  expected: JsonValue,
  actual: JsonValue | undefined,
  path: string,
  ctx: CompareContext,
  push: Push,
): void {
  if (isObject(expected) && "external" in expected) return; // not rebuilt: kept in place
  if (isObject(expected) && "ref" in expected && typeof expected.ref === "string") {
    const got = asSourceRef(actual, ctx);
    if (got !== expected.ref) push(path, expected, got === undefined ? actual : { ref: got });
    return;
  }
  if (Array.isArray(expected)) {
    const key = path.slice(path.lastIndexOf(".") + 1);
    if (unorderedLists.has(key) && Array.isArray(actual)) {
      const norm = (items: readonly JsonValue[], mine: boolean) =>
        items
          .map((item) => {
            const ref =
              isObject(item) && "ref" in item
                ? mine
                  ? asSourceRef(item, ctx)
                  : item.ref
                : undefined;
            return ref === undefined ? JSON.stringify(item) : `ref:${String(ref)}`;
          })
          .filter((text) => !text.startsWith(`"${lifeboatTagPrefix}`))
          .sort();
      const [want, have] = [norm(expected, false), norm(actual, true)];
      if (JSON.stringify(want) !== JSON.stringify(have)) push(path, expected, actual);
      return;
    }
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      push(path, expected, actual);
      return;
    }
    expected.forEach((item, i) => compareValue(item, actual[i], `${path}[${i}]`, ctx, push));
    return;
  }
  if (isObject(expected)) {
    if (!isObject(actual)) {
      push(path, expected, actual);
      return;
    }
    for (const [key, value] of Object.entries(expected)) {
      if (Object.hasOwn(ignoredProperties, key)) continue;
      if (ignoredKindProperties.has(`${ctx.kind}:${key}`)) continue;
      compareValue(value, actual[key], `${path}.${key}`, ctx, push);
    }
    return;
  }
  if (expected !== (actual ?? null)) push(path, expected, actual);
}

/** A target reference as the source id it copies (by the referenced resource's tag). */
function asSourceRef(value: JsonValue | undefined, ctx: CompareContext): string | undefined {
  if (!isObject(value) || typeof value.ref !== "string") return undefined;
  return ctx.sourceOf.get(value.ref) ?? value.ref;
}

function isObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

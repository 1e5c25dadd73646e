import { isRef, type LogicalId } from "./logical-id.js";

/** One reference found in a resource: where it sits and what it names. */
export interface FoundReference {
  /** Field path inside `properties`, e.g. `ingress[2].peer`. */
  readonly path: string;
  readonly target: LogicalId;
}

/**
 * Every reference a resource makes, in field order. References live only in `properties`, so
 * this walk is the single definition of a resource's dependencies.
 */
export function referencesOf(resource: { readonly properties: unknown }): FoundReference[] {
  const found: FoundReference[] = [];
  walk(resource.properties, "", found);
  return found;
}

function walk(value: unknown, path: string, found: FoundReference[]): void {
  if (isRef(value)) {
    found.push({ path, target: value.ref });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${path}[${i}]`, found));
    return;
  }
  if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      walk(item, path === "" ? key : `${path}.${key}`, found);
    }
  }
}

/** The distinct logical ids a resource refers to. */
export function dependenciesOf(resource: { readonly properties: unknown }): Set<LogicalId> {
  return new Set(referencesOf(resource).map((r) => r.target));
}

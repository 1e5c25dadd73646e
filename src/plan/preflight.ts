import { referencesOf, type Inventory } from "../model/inventory/index.js";
import type { Resource } from "../model/inventory/index.js";
import { planSelectionSchema, type PlanSelection } from "../model/plan/index.js";
import type { PlanProblem } from "./plan-problem.js";
import type { PlanRequest } from "./plan-recovery.js";
import { resolveTarget, type TargetResolution } from "./resolve-target.js";
import { selectResources, type SelectedResources } from "./select-resources.js";
import type { TargetFactsRequest } from "./target-facts.js";

/** The pre-flight report: every problem found, in one list; `ok` when there are none. */
export interface PreflightReport {
  readonly ok: boolean;
  readonly problems: readonly PlanProblem[];
}

/** What the checks decided, for the planner to build on when they pass. */
export interface CheckedRequest extends PreflightReport {
  readonly selection: PlanSelection;
  readonly resources: readonly Resource[];
  readonly resolution: TargetResolution;
}

/**
 * Checks a request before anything is created: selection (malformed, unknown ids, skipped
 * dependencies), zones (unmapped, unknown), instance types (not offered, no substitute), CIDRs
 * (overlap with target networks, map entries naming no block), images and key pairs (missing
 * in the target). Pure over `request.facts`. `planRecovery` runs the same checks and refuses
 * to plan when any fails, so a plan that exists has passed its pre-flight.
 */
export function preflight(request: PlanRequest): PreflightReport {
  const { ok, problems } = checkRequest(request);
  return { ok, problems };
}

/**
 * The resources a plan with `selection` (`--only` and deploy flags, unvalidated; absent selects
 * everything) brings up, and the selection's problems. A malformed selection selects everything
 * and says why. The planner and target selection both use it, so they judge the same resources.
 */
export function plannedResources(
  inventory: Inventory,
  selectionInput: unknown,
): { readonly selection: PlanSelection } & SelectedResources {
  const parsed = planSelectionSchema.safeParse(selectionInput ?? {});
  const selection = parsed.success ? parsed.data : planSelectionSchema.parse({});
  const selectionProblems: PlanProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        code: "selection-invalid",
        message: `selection.${issue.path.map(String).join(".")}: ${issue.message}`,
      }));
  const selected = selectResources(inventory, selection);
  return {
    selection,
    resources: selected.resources,
    problems: [...selectionProblems, ...selected.problems],
  };
}

export function checkRequest(request: PlanRequest): CheckedRequest {
  const selected = plannedResources(request.inventory, request.selection);
  const { selection } = selected;
  const resolution = resolveTarget(
    request.inventory,
    selected.resources,
    request.mapping,
    request.facts,
  );
  const problems = [...selected.problems, ...resolution.problems];
  if (request.isolateEgress === true && request.mode !== "drill") {
    problems.push({
      code: "isolation-outside-drill",
      message: `egress isolation is for drills; a ${request.mode} must reach what its users reach`,
    });
  }
  return {
    ok: problems.length === 0,
    problems,
    selection,
    resources: selected.resources,
    resolution,
  };
}

/**
 * What to ask the target about for `inventory`: its instance types (and their substitutes),
 * the images the mapping names, the names of images outside the environment, its key pairs.
 */
export function targetFactsRequest(
  inventory: Inventory,
  mapping: PlanRequest["mapping"],
): TargetFactsRequest {
  const types = new Set<string>();
  for (const r of inventory.resources) {
    if (r.kind === "machine") types.add(r.properties.instanceType);
    if (r.kind === "launch-template") {
      for (const v of r.properties.versions)
        if (v.data.instanceType) types.add(v.data.instanceType);
    }
  }
  for (const type of [...types]) for (const s of mapping.instanceTypes[type] ?? []) types.add(s);
  const keyPairs = new Set<string>();
  for (const r of inventory.resources) {
    for (const f of referencesOf(r)) {
      if (f.target.startsWith("key-pair:")) {
        const name = f.target.slice("key-pair:".length);
        keyPairs.add(mapping.keyPairs[name] ?? name);
      }
    }
  }
  const imageIds = typeof mapping.images === "string" ? [] : Object.values(mapping.images);
  const imageNames = inventory.externals.flatMap((e) =>
    e.kind === "image" && e.hints.name !== undefined ? [e.hints.name] : [],
  );
  const sorted = (items: Iterable<string>) =>
    [...new Set(items)].filter((i) => i !== "copy").sort();
  return {
    instanceTypes: sorted(types),
    imageIds: sorted(imageIds),
    imageNames: sorted(imageNames),
    keyPairs: sorted(keyPairs),
  };
}

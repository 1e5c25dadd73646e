import {
  referencesOf,
  type Inventory,
  type LogicalId,
  type Resource,
} from "../model/inventory/index.js";
import type { PlanSelection } from "../model/plan/index.js";
import type { PlanProblem } from "./plan-problem.js";

/**
 * Parts a selected resource needs to work, found by what refers to it (usually untagged): a
 * subnet without its route table has no connectivity, a network without its gateway no way
 * out, a load balancer without listeners takes no traffic, a machine comes with its disks.
 */
const partPaths: readonly { kind: Resource["kind"]; path: RegExp }[] = [
  { kind: "route-table", path: /^associations\[\d+\]$/ },
  { kind: "internet-gateway", path: /^networks\[\d+\]$/ },
  { kind: "listener", path: /^loadBalancer$/ },
  { kind: "volume", path: /^attachments\[\d+\]\.machine$/ },
  { kind: "network-interface", path: /^attachment\.machine$/ },
  { kind: "address", path: /^association$/ },
];

/** A network's default resources are always adopted with it, so their rules and routes apply. */
function isDefaultPart(resource: Resource): boolean {
  return (
    (resource.kind === "route-table" && resource.properties.main) ||
    (resource.kind === "security-group" && resource.properties.groupName === "default")
  );
}

export interface SelectedResources {
  readonly resources: readonly Resource[];
  readonly problems: readonly PlanProblem[];
}

/**
 * The resources a plan brings up: the selection's matches, closed over their references and
 * their parts, minus the resources the deploy flags skip. A skipped resource that a remaining
 * one still refers to is a problem, never a silently dangling reference.
 */
export function selectResources(inventory: Inventory, selection: PlanSelection): SelectedResources {
  const byId = new Map<string, Resource>(inventory.resources.map((r) => [r.id, r]));
  const skipped = new Set<LogicalId>(
    inventory.resources.filter((r) => flagsOf(selection, r)?.skip === true).map((r) => r.id),
  );
  const problems: PlanProblem[] = [];
  for (const id of selection.ids) {
    if (!inventory.resources.some((r) => identifies(r, id))) {
      problems.push({ code: "selection-unknown-id", message: `no resource is ${id}` });
    }
  }
  const seeds = inventory.resources.filter((r) => isSelected(r, selection));
  const partsOf = indexParts(inventory.resources);
  const included = new Set<LogicalId>();
  const queue: Resource[] = [];
  const add = (r: Resource | undefined) => {
    if (!r || included.has(r.id) || skipped.has(r.id)) return;
    included.add(r.id);
    queue.push(r);
  };
  seeds.forEach(add);
  for (let r = queue.shift(); r !== undefined; r = queue.shift()) {
    for (const found of referencesOf(r)) add(byId.get(found.target));
    for (const part of partsOf.get(r.id) ?? []) add(part);
  }
  const resources = inventory.resources.filter((r) => included.has(r.id));
  for (const r of resources) {
    for (const found of referencesOf(r)) {
      if (skipped.has(found.target)) {
        problems.push({
          code: "dependency-skipped",
          resource: r.id,
          message: `${r.id} needs ${found.target} (${found.path}), which the deploy flags skip`,
        });
      }
    }
  }
  if (resources.length === 0) {
    problems.push({ code: "selection-empty", message: "the selection matches no resource" });
  }
  return { resources, problems };
}

/** The deploy flags of a resource, keyed by logical id, provider id or name. */
export function flagsOf(selection: PlanSelection, r: Resource) {
  return selection.deploy[r.id] ?? selection.deploy[r.providerId] ?? selection.deploy[r.name];
}

function identifies(r: Resource, id: string): boolean {
  return r.id === id || r.providerId === id || r.name === id;
}

function isSelected(r: Resource, s: PlanSelection): boolean {
  const tagKeys = Object.keys(s.tags);
  if (s.kinds.length === 0 && s.ids.length === 0 && tagKeys.length === 0) return true;
  return (
    s.kinds.includes(r.kind) ||
    s.ids.some((id) => identifies(r, id)) ||
    (tagKeys.length > 0 && tagKeys.every((k) => r.tags[k] === s.tags[k]))
  );
}

function indexParts(resources: readonly Resource[]): Map<LogicalId, Resource[]> {
  const parts = new Map<LogicalId, Resource[]>();
  const push = (owner: LogicalId, part: Resource) =>
    parts.set(owner, [...(parts.get(owner) ?? []), part]);
  for (const r of resources) {
    for (const found of referencesOf(r)) {
      const isPart =
        partPaths.some((p) => p.kind === r.kind && p.path.test(found.path)) ||
        (isDefaultPart(r) && found.path === "network");
      if (isPart) push(found.target, r);
    }
  }
  return parts;
}

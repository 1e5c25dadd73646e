import {
  referencesOf,
  type Inventory,
  type LogicalId,
  type Resource,
} from "../model/inventory/index.js";
import {
  cidrsOverlap,
  formatCidr,
  imageCopy,
  parseCidr,
  renumber,
  type Mapping,
} from "../model/mapping.js";
import type { PlanProblem } from "./plan-problem.js";
import type { TargetFacts } from "./target-facts.js";

/** Key of the choice for region-wide resources (launch templates): offered in every zone. */
export const anyZone = "*";

/** How a source image becomes a target image. */
export type ImageResolution =
  { readonly how: "copy" } | { readonly how: "mapped" | "by-name"; readonly imageId: string };

/**
 * The mapping applied to one environment and one target: every decision the planner takes
 * about the target, made once, so that the plan and the pre-flight agree by construction.
 */
export interface TargetResolution {
  /** Source zone → target zone, explicit entries plus the by-index default. */
  readonly zones: Readonly<Record<string, string>>;
  /** Source CIDR → target CIDR for every network block and subnet that is renumbered. */
  readonly cidrs: ReadonlyMap<string, string>;
  /** Networks whose blocks are renumbered (their machines lose their private IPs). */
  readonly renumbered: ReadonlySet<LogicalId>;
  readonly images: ReadonlyMap<LogicalId, ImageResolution>;
  /** `<type>@<target zone>` → the type to launch there. */
  readonly instanceTypes: ReadonlyMap<string, string>;
  readonly problems: readonly PlanProblem[];
}

/**
 * Resolves the mapping against the selected resources and the target's facts, collecting every
 * problem (pre-flight) instead of stopping at the first.
 */
export function resolveTarget(
  inventory: Inventory,
  resources: readonly Resource[],
  mapping: Mapping,
  facts: TargetFacts,
): TargetResolution {
  const problems: PlanProblem[] = [];
  const zones = resolveZones(resources, mapping, facts, problems);
  const { cidrs, renumbered } = resolveCidrs(resources, mapping, facts, problems);
  const images = resolveImages(inventory, resources, mapping, facts, problems);
  const instanceTypes = resolveInstanceTypes(resources, mapping, facts, zones, problems);
  checkKeyPairs(resources, mapping, facts, problems);
  if (facts.region === inventory.region && mapping.nameSuffix === "") {
    // Template, target group, load balancer and database names are unique per region, and the
    // source's still exist there.
    problems.push({
      code: "names-collide",
      message: `the target is the source's region (${facts.region}); set mapping.nameSuffix so names do not collide`,
    });
  }
  return { zones, cidrs, renumbered, images, instanceTypes, problems };
}

function resolveZones(
  resources: readonly Resource[],
  mapping: Mapping,
  facts: TargetFacts,
  problems: PlanProblem[],
): Record<string, string> {
  const used = [...new Set(resources.flatMap(zonesOf))].sort();
  // By index, over the target zones the explicit entries leave free: two source zones never
  // land in one target zone unless the mapping says so.
  const taken = new Set(used.map((zone) => mapping.zones[zone]));
  const free = [...facts.zones].sort().filter((zone) => !taken.has(zone));
  const zones: Record<string, string> = {};
  let next = 0;
  for (const zone of used) {
    const to = mapping.zones[zone] ?? free[next++];
    if (to === undefined) {
      problems.push({
        code: "zone-unmapped",
        message: `source zone ${zone} has no target zone (${facts.region} has ${facts.zones.length}); add it to mapping.zones`,
      });
    } else if (!facts.zones.includes(to)) {
      problems.push({
        code: "zone-unknown",
        message: `zone ${to} (for ${zone}) is not in ${facts.region}`,
      });
    } else zones[zone] = to;
  }
  return zones;
}

function zonesOf(r: Resource): string[] {
  const own = r.location.zone === undefined ? [] : [r.location.zone];
  return r.kind === "scaling-group" ? [...own, ...r.properties.zones] : own;
}

function resolveCidrs(
  resources: readonly Resource[],
  mapping: Mapping,
  facts: TargetFacts,
  problems: PlanProblem[],
) {
  const cidrs = new Map<string, string>();
  const renumbered = new Set<LogicalId>();
  const networks = resources.filter((r) => r.kind === "network");
  const blocks = new Map<LogicalId, { from: string; to: string }[]>();
  for (const n of networks) {
    const own = [n.properties.cidrBlock, ...n.properties.additionalCidrBlocks];
    const list = own.map((from) => ({ from, to: mapping.cidrs[from] ?? from }));
    blocks.set(n.id, list);
    for (const { from, to } of list) {
      if (from !== to) {
        cidrs.set(from, to);
        renumbered.add(n.id);
      }
      const target = parseCidr(to);
      const clash = facts.networks.find((t) =>
        t.cidrBlocks.some((c) => target && parseCidr(c) && cidrsOverlap(target, parseCidr(c)!)),
      );
      if (clash) {
        problems.push({
          code: "cidr-overlap",
          resource: n.id,
          message: `${to} overlaps network ${clash.id} (${clash.cidrBlocks.join(", ")}) in ${facts.region}; renumber it with mapping.cidrs`,
        });
      }
    }
  }
  const known = new Set([...blocks.values()].flat().map((b) => b.from));
  for (const from of Object.keys(mapping.cidrs)) {
    if (!known.has(from)) {
      problems.push({
        code: "cidr-unused",
        message: `mapping.cidrs names ${from}, no network's block`,
      });
    }
  }
  for (const s of resources) {
    if (s.kind !== "subnet") continue;
    const inner = parseCidr(s.properties.cidrBlock);
    for (const { from, to } of blocks.get(s.properties.network.ref) ?? []) {
      const moved =
        inner && from !== to ? renumber(inner, parseCidr(from)!, parseCidr(to)!) : undefined;
      if (moved) cidrs.set(s.properties.cidrBlock, formatCidr(moved));
    }
  }
  return { cidrs, renumbered };
}

function resolveImages(
  inventory: Inventory,
  resources: readonly Resource[],
  mapping: Mapping,
  facts: TargetFacts,
  problems: PlanProblem[],
): Map<LogicalId, ImageResolution> {
  const images = new Map<LogicalId, ImageResolution>();
  const used = new Set<LogicalId>();
  for (const r of resources) {
    if (r.kind === "image") used.add(r.id);
    for (const found of referencesOf(r))
      if (found.target.startsWith("image:")) used.add(found.target);
  }
  const owned = new Set(resources.filter((r) => r.kind === "image").map((r) => r.id));
  for (const id of [...used].sort()) {
    const providerId = id.slice("image:".length);
    const explicit = mapping.images === imageCopy ? imageCopy : mapping.images[providerId];
    if (explicit !== undefined && explicit !== imageCopy) {
      if (facts.images.some((i) => i.id === explicit))
        images.set(id, { how: "mapped", imageId: explicit });
      else {
        problems.push({
          code: "image-missing",
          resource: id,
          message: `image ${explicit} (mapped from ${providerId}) is not in ${facts.region}`,
        });
      }
      continue;
    }
    if (owned.has(id)) {
      images.set(id, { how: "copy" });
      continue;
    }
    const name = inventory.externals.find((e) => e.id === id)?.hints.name;
    const byName = name === undefined ? undefined : facts.images.find((i) => i.name === name);
    if (byName) images.set(id, { how: "by-name", imageId: byName.id });
    else {
      problems.push({
        code: "image-missing",
        resource: id,
        message: `image ${providerId} is not part of the environment and ${facts.region} has no image named ${name ?? "like it"}; map it in mapping.images`,
      });
    }
  }
  return images;
}

function resolveInstanceTypes(
  resources: readonly Resource[],
  mapping: Mapping,
  facts: TargetFacts,
  zones: Readonly<Record<string, string>>,
  problems: PlanProblem[],
): Map<string, string> {
  const chosen = new Map<string, string>();
  const allZones = [...new Set(Object.values(zones))].sort();
  /** The first of the type and its substitutes offered in every one of `targetZones`. */
  const choose = (r: Resource, type: string, targetZones: readonly string[], key: string) => {
    const candidates = [type, ...(mapping.instanceTypes[type] ?? [])];
    const offered = candidates.find((t) =>
      targetZones.every((zone) => facts.instanceTypes[zone]?.includes(t)),
    );
    if (offered) chosen.set(`${type}@${key}`, offered);
    else {
      problems.push({
        code: "instance-type-unavailable",
        resource: r.id,
        message: `none of ${candidates.join(", ")} is offered in ${targetZones.join(", ")}; add a substitute to mapping.instanceTypes.${type}`,
      });
    }
  };
  for (const r of resources) {
    if (r.kind === "machine" && r.location.zone !== undefined) {
      const zone = zones[r.location.zone];
      if (zone !== undefined) choose(r, r.properties.instanceType, [zone], zone);
    }
    if (r.kind === "launch-template") {
      const types = new Set(r.properties.versions.flatMap((v) => v.data.instanceType ?? []));
      for (const type of [...types].sort()) choose(r, type, allZones, anyZone);
    }
  }
  return chosen;
}

function checkKeyPairs(
  resources: readonly Resource[],
  mapping: Mapping,
  facts: TargetFacts,
  problems: PlanProblem[],
): void {
  if (facts.keyPairs === undefined) return;
  const names = new Set<string>();
  for (const r of resources) {
    for (const found of referencesOf(r)) {
      if (found.target.startsWith("key-pair:")) names.add(found.target.slice("key-pair:".length));
    }
  }
  for (const name of [...names].sort()) {
    const target = mapping.keyPairs[name] ?? name;
    if (!facts.keyPairs.includes(target)) {
      problems.push({
        code: "key-pair-missing",
        message: `key pair ${target} is not in ${facts.region}; import it or map it in mapping.keyPairs`,
      });
    }
  }
}

/** The instance type to launch in `zone` (the source type when pre-flight found nothing). */
export function instanceTypeIn(resolution: TargetResolution, type: string, zone: string): string {
  return resolution.instanceTypes.get(`${type}@${zone}`) ?? type;
}

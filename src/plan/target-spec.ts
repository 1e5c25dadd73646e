import {
  isRef,
  type Inventory,
  type JsonValue,
  type LogicalId,
  type Resource,
} from "../model/inventory/index.js";
import type { Mapping } from "../model/mapping.js";
import type { PlanSelection } from "../model/plan/index.js";
import { anyZone, instanceTypeIn, type TargetResolution } from "./resolve-target.js";
import { flagsOf } from "./select-resources.js";

export interface SpecContext {
  readonly inventory: Inventory;
  readonly environment: string;
  readonly targetRegion: string;
  readonly mapping: Mapping;
  readonly selection: PlanSelection;
  readonly resolution: TargetResolution;
  /** Ids of the resources the plan rebuilds; a reference to anything else is external. */
  readonly planned: ReadonlySet<LogicalId>;
}

/** Tags Lifeboat puts on everything it creates; `lifeboat:run` is added by the executor. */
export const tagEnvironment = "lifeboat:environment";
export const tagSourceId = "lifeboat:source-id";

/**
 * The desired target resource after mapping: name with suffix, target region and zone, tags,
 * and properties with zones, CIDRs, private IPs, instance types, images and key pairs
 * translated. References to resources the plan rebuilds stay symbolic (`{ref}`); images
 * resolved to an existing target image and key pairs become literal target names; anything
 * else outside the plan becomes `{external: <logical id>}` for the step's handler to resolve.
 */
export function targetSpec(r: Resource, ctx: SpecContext): { [key: string]: JsonValue } {
  const zone = r.location.zone === undefined ? undefined : ctx.resolution.zones[r.location.zone];
  const properties = rewriteRefs(translateProperties(r, ctx, zone), ctx) as JsonValue;
  return {
    name: `${r.name}${ctx.mapping.nameSuffix}`,
    location:
      zone === undefined ? { region: ctx.targetRegion } : { region: ctx.targetRegion, zone },
    tags: {
      ...r.tags,
      ...ctx.mapping.tags,
      [tagEnvironment]: ctx.environment,
      [tagSourceId]: r.id,
    },
    properties,
  };
}

function translateProperties(r: Resource, ctx: SpecContext, zone: string | undefined): unknown {
  const { resolution, mapping } = ctx;
  const cidr = (c: string) => resolution.cidrs.get(c) ?? c;
  const suffixed = (name: string) => `${name}${mapping.nameSuffix}`;
  switch (r.kind) {
    case "network":
      return {
        ...r.properties,
        cidrBlock: cidr(r.properties.cidrBlock),
        additionalCidrBlocks: r.properties.additionalCidrBlocks.map(cidr),
      };
    case "subnet":
      return { ...r.properties, cidrBlock: cidr(r.properties.cidrBlock) };
    case "security-group":
      return r.properties.groupName === "default"
        ? r.properties
        : { ...r.properties, groupName: suffixed(r.properties.groupName) };
    case "db-subnet-group":
      return { ...r.properties, groupName: suffixed(r.properties.groupName) };
    case "machine": {
      const network = networkOfSubnet(ctx, r.properties.subnet?.ref);
      const keepIps =
        mapping.keepPrivateIps && (network === undefined || !resolution.renumbered.has(network));
      return {
        ...r.properties,
        instanceType:
          zone === undefined
            ? r.properties.instanceType
            : instanceTypeIn(resolution, r.properties.instanceType, zone),
        privateIps: keepIps ? r.properties.privateIps : [],
      };
    }
    case "network-interface": {
      const network = networkOfSubnet(ctx, r.properties.subnet.ref);
      const keepIps =
        mapping.keepPrivateIps && (network === undefined || !resolution.renumbered.has(network));
      return { ...r.properties, privateIps: keepIps ? r.properties.privateIps : [] };
    }
    case "launch-template":
      return {
        ...r.properties,
        templateName: suffixed(r.properties.templateName),
        versions: r.properties.versions.map((v) => ({
          ...v,
          data: {
            ...v.data,
            instanceType:
              v.data.instanceType === undefined
                ? undefined
                : instanceTypeIn(resolution, v.data.instanceType, anyZone),
          },
        })),
      };
    case "scaling-group": {
      const capacity = flagsOf(ctx.selection, r)?.capacity;
      const sized =
        capacity === undefined
          ? {}
          : {
              desiredCapacity: capacity,
              minSize: Math.min(r.properties.minSize, capacity),
              maxSize: Math.max(r.properties.maxSize, capacity),
            };
      return {
        ...r.properties,
        ...sized,
        zones: r.properties.zones.map((z) => resolution.zones[z] ?? z),
      };
    }
    case "address":
      // A public IP cannot move between regions; the association is its own configure step.
      return { domain: r.properties.domain };
    default:
      return r.properties;
  }
}

function networkOfSubnet(ctx: SpecContext, subnet: LogicalId | undefined): LogicalId | undefined {
  const found = ctx.inventory.resources.find((r) => r.id === subnet);
  return found?.kind === "subnet" ? found.properties.network.ref : undefined;
}

/** Replaces references that no step binds (resolved images, key pairs) by target literals. */
function rewriteRefs(value: unknown, ctx: SpecContext): unknown {
  if (isRef(value)) {
    const image = ctx.resolution.images.get(value.ref);
    if (image && image.how !== "copy") return image.imageId;
    if (value.ref.startsWith("key-pair:")) {
      const name = value.ref.slice("key-pair:".length);
      return ctx.mapping.keyPairs[name] ?? name;
    }
    // Not rebuilt by this plan (a certificate, a snapshot, an instance profile): the step's
    // handler resolves it in the target; it is never bound from another step's output.
    return ctx.planned.has(value.ref) ? { ref: value.ref } : { external: value.ref };
  }
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, ctx));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, rewriteRefs(item, ctx)]),
    );
  }
  return value;
}

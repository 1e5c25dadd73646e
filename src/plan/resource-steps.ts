import type { JsonValue, LogicalId, Resource, ResourceKind } from "../model/inventory/index.js";
import {
  stepId,
  type GateCondition,
  type ReadinessGate,
  type RecoveryMode,
  type StepKind,
} from "../model/plan/index.js";
import { targetSpec, type SpecContext } from "./target-spec.js";

/** A step before ordering: its structural predecessors (`after`) but not yet its edges. */
export interface DraftStep {
  readonly id: string;
  readonly kind: StepKind;
  readonly resource: LogicalId;
  readonly resourceKind: ResourceKind;
  readonly summary: string;
  readonly input: JsonValue;
  readonly after: readonly string[];
  readonly gate?: ReadinessGate;
  /** Whether this step's output is the resource's target id (`Plan.bindings`). */
  readonly binds: boolean;
}

/** Readiness gates with their timeouts: the provider state a dependent needs, and how long. */
export const gates: Readonly<Partial<Record<ResourceKind, ReadinessGate>>> = {
  image: { condition: "image-available", timeoutSeconds: 1800 },
  "nat-gateway": { condition: "nat-gateway-available", timeoutSeconds: 900 },
  machine: { condition: "machine-running", timeoutSeconds: 600 },
  "load-balancer": { condition: "load-balancer-active", timeoutSeconds: 900 },
  "scaling-group": { condition: "scaling-group-in-service", timeoutSeconds: 900 },
  database: { condition: "database-available", timeoutSeconds: 3600 },
} satisfies Record<string, { condition: GateCondition; timeoutSeconds: number }>;

const gateWords: Readonly<Record<GateCondition, string>> = {
  "image-available": "available",
  "nat-gateway-available": "available",
  "machine-running": "running",
  "load-balancer-active": "active",
  "scaling-group-in-service": "in service at its desired capacity",
  "database-available": "available",
};

/**
 * What a hydrated volume is made from (docs/hydration.md): the recovery point's repository
 * image snapshot, and in pre-staged mode the provider snapshot that already holds it.
 */
export interface VolumeData {
  readonly snapshot: string;
  readonly staged?: { readonly snapshotId: string; readonly region: string };
}

export interface ResourceStepContext extends SpecContext {
  readonly mode: RecoveryMode;
  readonly isolateEgress: boolean;
  /** Volumes whose recovery point is hydrated: logical id → what to make them from. */
  readonly volumeData?: ReadonlyMap<LogicalId, VolumeData>;
  readonly byId: ReadonlyMap<LogicalId, Resource>;
}

/**
 * The steps that rebuild one resource. Most kinds are one `create` (plus a `wait` where
 * dependents need a ready state); the special cases are documented in docs/recovery-plan.md:
 * groups are created empty and get their rules in a `configure` step; a network's default
 * group and main route table, a machine's root volume and primary interface are adopted;
 * public DNS is a `dns` change in the existing zone, and drills make no change there.
 */
export function resourceSteps(r: Resource, ctx: ResourceStepContext): DraftStep[] {
  const spec = targetSpec(r, ctx);
  const label = `${r.kind} ${String(spec.name)}`;
  const where = zoneText(spec);
  const step = (
    kind: StepKind,
    summary: string,
    input: JsonValue,
    extra: { after?: string[]; gate?: ReadinessGate; binds?: boolean } = {},
  ): DraftStep => ({
    id: stepId(kind, r.id),
    kind,
    resource: r.id,
    resourceKind: r.kind,
    summary,
    input,
    after: extra.after ?? [],
    ...(extra.gate ? { gate: extra.gate } : {}),
    binds: extra.binds ?? false,
  });
  /** Creates without the fields a later step sets, so the create waits only for what it needs. */
  const create = (...later: string[]) =>
    step("create", `create ${label}${where}`, without(spec, later), { binds: true });
  const adopt = (why: string, input: JsonValue = spec) =>
    step("adopt", `adopt ${r.kind} ${r.name} (${why})`, input, { binds: true });
  const wait = (made: string) => {
    const gate = gates[r.kind];
    return gate
      ? [
          step(
            "wait",
            `wait until ${label} is ${gateWords[gate.condition]}`,
            { resource: { ref: r.id } },
            { after: [made], gate },
          ),
        ]
      : [];
  };
  const configure = (summary: string, input: JsonValue, made: string) =>
    step("configure", `${summary} on ${label}`, input, { after: [made] });
  const madeBy = (kind: StepKind) => stepId(kind, r.id);
  const props = (spec.properties ?? {}) as { [key: string]: JsonValue };

  switch (r.kind) {
    case "security-group": {
      const first =
        r.properties.groupName === "default"
          ? adopt("the new network's default group", without(spec, ["ingress", "egress"]))
          : create("ingress", "egress");
      const rules = {
        ingress: props.ingress ?? [],
        egress: ctx.isolateEgress ? ownNetworkEgress(r, ctx) : (props.egress ?? []),
        group: { ref: r.id },
      };
      return [first, configure("set the rules", rules, first.id)];
    }
    case "route-table": {
      const first = r.properties.main
        ? adopt("the new network's main route table", without(spec, ["routes", "associations"]))
        : create("routes", "associations");
      const routes = (r.properties.routes ?? []).filter((route) => route.target !== "local");
      const needed = routes.length > 0 || r.properties.associations.length > 0;
      const config = {
        table: { ref: r.id },
        routes: props.routes ?? [],
        associations: props.associations ?? [],
      };
      return needed ? [first, configure("set routes and associations", config, first.id)] : [first];
    }
    case "image":
      if (ctx.resolution.images.get(r.id)?.how === "copy") {
        const copy = step(
          "copy",
          `copy image ${r.providerId} from ${r.location.region}`,
          {
            ...spec,
            source: { region: r.location.region, imageId: r.providerId },
          },
          { binds: true },
        );
        return [copy, ...wait(copy.id)];
      }
      return [adopt("mapped to an image in the target")];
    case "address": {
      const association = r.properties.association?.ref;
      const first = create();
      if (association === undefined || !ctx.planned.has(association)) return [first];
      const input = { address: { ref: r.id }, association: { ref: association } };
      return [first, configure("associate", input, first.id)];
    }
    case "volume": {
      const attachments = r.properties.attachments.filter((a) => ctx.planned.has(a.machine.ref));
      const root = attachments.find((a) => isRootDevice(ctx, a.machine.ref, a.device));
      if (root) return [adopt(`root volume of ${root.machine.ref}`)];
      const data = ctx.volumeData?.get(r.id);
      const first =
        data === undefined
          ? create("attachments")
          : step(
              "hydrate",
              data.staged === undefined
                ? `hydrate ${label}${where} from recovery point ${data.snapshot.slice(0, 12)}`
                : `make ${label}${where} from pre-staged ${data.staged.snapshotId} (recovery point ${data.snapshot.slice(0, 12)}; hydrates if it is gone)`,
              { ...(without(spec, ["attachments"]) as object), data: { ...data } },
              { binds: true },
            );
      if (attachments.length === 0) return [first];
      const input = { volume: { ref: r.id }, attachments: props.attachments ?? [] };
      return [first, configure("attach", input, first.id)];
    }
    case "network-interface": {
      const attachment = r.properties.attachment;
      const attached = attachment !== undefined && ctx.planned.has(attachment.machine.ref);
      if (attached && attachment.deviceIndex === 0) {
        return [adopt(`primary interface of ${attachment.machine.ref}`)];
      }
      const first = create("attachment");
      if (!attached) return [first];
      return [
        first,
        configure(
          "attach",
          { networkInterface: { ref: r.id }, attachment: props.attachment ?? null },
          first.id,
        ),
      ];
    }
    case "target-group": {
      const first = create("targets");
      if (r.properties.targets.length === 0) return [first];
      const input = { targetGroup: { ref: r.id }, targets: props.targets ?? [] };
      return [
        first,
        step("register", `register ${r.properties.targets.length} target(s) with ${label}`, input, {
          after: [first.id],
        }),
      ];
    }
    case "dns-zone":
      if (r.properties.private) return [create()];
      return ctx.mode === "drill" ? [] : [adopt("public zone, kept where it is")];
    case "dns-record": {
      const zone = ctx.byId.get(r.properties.zone.ref);
      if (zone?.kind === "dns-zone" && zone.properties.private) return [create()];
      if (ctx.mode === "drill" || !pointsIntoPlan(r, ctx)) return [];
      return [
        step("dns", `point ${r.properties.type} ${r.properties.recordName} at the target`, spec, {
          binds: true,
        }),
      ];
    }
    case "scaling-group": {
      const first = create();
      const desired = (props.desiredCapacity as number | undefined) ?? 0;
      return desired > 0 ? [first, ...wait(first.id)] : [first];
    }
    default: {
      const first = create();
      return [first, ...wait(madeBy("create"))];
    }
  }
}

/** Egress to every block of the group's own network in the target, and nowhere else. */
function ownNetworkEgress(r: Resource & { kind: "security-group" }, ctx: ResourceStepContext) {
  const network = ctx.byId.get(r.properties.network.ref);
  if (network?.kind !== "network") return [];
  const blocks = [network.properties.cidrBlock, ...network.properties.additionalCidrBlocks];
  return blocks.map((block) => ({
    protocol: "-1",
    peer: ctx.resolution.cidrs.get(block) ?? block,
    description: "lifeboat drill: own network only",
  }));
}

function isRootDevice(ctx: ResourceStepContext, machine: LogicalId, device: string): boolean {
  const m = ctx.byId.get(machine);
  return m?.kind === "machine" && m.properties.rootDevice === device;
}

/**
 * A public record changes only when it names something the plan rebuilds. Another record or
 * zone does not count: DNS is global, so they stay valid where they are.
 */
function pointsIntoPlan(r: Resource & { kind: "dns-record" }, ctx: ResourceStepContext): boolean {
  const targets = [
    ...r.properties.values.flatMap((v) => (typeof v === "string" ? [] : [v.ref])),
    ...(r.properties.alias && "ref" in r.properties.alias.target
      ? [r.properties.alias.target.ref]
      : []),
  ];
  return targets.some((t) => ctx.planned.has(t) && !t.startsWith("dns-"));
}

function zoneText(spec: { [key: string]: JsonValue }): string {
  const location = spec.location as { zone?: string } | undefined;
  return location?.zone === undefined ? "" : ` in ${location.zone}`;
}

/** The spec with the named properties left out (they belong to a later configure step). */
function without(spec: { [key: string]: JsonValue }, keys: readonly string[]): JsonValue {
  if (keys.length === 0) return spec;
  const properties = { ...(spec.properties as { [key: string]: JsonValue }) };
  for (const key of keys) delete properties[key];
  return { ...spec, properties };
}

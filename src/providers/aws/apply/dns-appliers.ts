import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
  type RRType,
  type VPCRegion,
} from "@aws-sdk/client-route-53";
import type { ExecutableStep } from "../../../execute/execution-plan.js";
import type { StepContext, StepResult, UndoContext } from "../../../execute/step-handler.js";
import { isRef } from "../../../model/inventory/logical-id.js";
import type { JsonObject } from "../../../store/codec.js";
import { clientToken, deleting, required, send, type TargetSpec } from "./apply-env.js";
import { adopted, created, type Applier, type ApplierTable } from "./applier.js";

interface RecordProps {
  zone: string;
  recordName: string;
  type: string;
  setIdentifier?: string;
  ttl?: number;
  values: unknown[];
  alias?: { target: unknown; evaluateTargetHealth: boolean };
}

/**
 * A public zone stays where it is and is adopted by name; records are UPSERTed in it, pointing
 * at what the run made (an alias to the new load balancer, a CNAME to the new database). The
 * record set it replaced is kept in the outputs, and undo puts it back. Private zones are
 * created for the new network (caller reference = a digest of the idempotency key).
 */
export const dnsAppliers: ApplierTable = {
  "adopt:dns-zone": {
    async execute(_step, ctx, { clients: { route53 } }) {
      const spec = ctx.input as TargetSpec<{ zoneName: string; private: boolean }>;
      const zone = await findZone(route53, spec.properties.zoneName, spec.properties.private);
      return adopted({ id: required(zone, `hosted zone ${spec.properties.zoneName}`) });
    },
  },

  "create:dns-zone": {
    async execute(_step, ctx, { clients: { route53 }, region }) {
      const spec = ctx.input as TargetSpec<{
        zoneName: string;
        comment?: string;
        networks: string[];
      }>;
      // moto (unlike AWS) accepts a reused caller reference and makes a second zone.
      const network = spec.properties.networks[0];
      const existing = await findPrivateZone(route53, spec.properties.zoneName, network);
      if (existing) return adopted({ id: existing });
      try {
        const made = await send("route53.CreateHostedZone", () =>
          route53.send(
            new CreateHostedZoneCommand({
              Name: spec.properties.zoneName,
              CallerReference: clientToken(ctx.idempotencyKey),
              HostedZoneConfig: { Comment: spec.properties.comment, PrivateZone: true },
              ...(spec.properties.networks[0]
                ? { VPC: { VPCId: spec.properties.networks[0], VPCRegion: region as VPCRegion } }
                : {}),
            }),
          ),
        );
        return created({ id: zoneId(required(made.HostedZone?.Id, "HostedZone.Id")) });
      } catch (error) {
        // Same caller reference: an earlier attempt made it.
        const zone = await findPrivateZone(route53, spec.properties.zoneName, network);
        if (zone) return adopted({ id: zone });
        throw error;
      }
    },
    async undo(_step, outputs, _ctx, { clients: { route53 } }) {
      const id = typeof outputs?.id === "string" ? outputs.id : undefined;
      if (id === undefined) return "absent";
      return deleting("route53.DeleteHostedZone", () =>
        route53.send(new DeleteHostedZoneCommand({ Id: id })),
      );
    },
  },

  "dns:dns-record": recordApplier(true),
  "create:dns-record": recordApplier(false),
};

function recordApplier(restorePrevious: boolean): Applier {
  return {
    async execute(step, ctx, { clients: { route53 } }): Promise<StepResult> {
      const spec = ctx.input as TargetSpec<RecordProps>;
      const desired = desiredRecord(step, ctx, spec.properties);
      const zone = spec.properties.zone;
      const current = await currentRecord(route53, zone, desired);
      const id = `${zone}/${desired.Name}/${desired.Type}`;
      // A record in a zone the run made counts as made; a change in a public zone does not.
      const counted = (made: boolean) =>
        restorePrevious ? {} : { resolution: made ? ("created" as const) : ("adopted" as const) };
      if (current && sameRecord(current, desired)) {
        return {
          outputs: { id, previous: null, ...(restorePrevious ? {} : { set: plainSet(desired) }) },
          ...counted(false),
        };
      }
      await change(route53, zone, "UPSERT", desired);
      const previous =
        restorePrevious && current ? (JSON.parse(JSON.stringify(current)) as JsonObject) : null;
      return { outputs: { id, previous, set: plainSet(desired) }, ...counted(true) };
    },
    async undo(_step, outputs, _ctx: UndoContext, { clients: { route53 } }) {
      const set = outputs?.set as ResourceRecordSet | undefined;
      const zone = typeof outputs?.id === "string" ? outputs.id.split("/")[0] : undefined;
      if (!set || !zone) return "absent";
      const current = await currentRecord(route53, zone, set);
      if (!current || !sameRecord(current, set)) return "absent";
      const previous = outputs?.previous as ResourceRecordSet | null | undefined;
      if (previous) await change(route53, zone, "UPSERT", cleanAlias(previous));
      else await change(route53, zone, "DELETE", current);
      return "deleted";
    },
  };
}

function plainSet(set: ResourceRecordSet): JsonObject {
  return JSON.parse(JSON.stringify(set)) as JsonObject;
}

/** The record to write: references resolved from what the dependency steps output. */
function desiredRecord(step: ExecutableStep, ctx: StepContext, p: RecordProps): ResourceRecordSet {
  const raw = ((step.input as { properties?: RecordProps } | null)?.properties ?? p) as RecordProps;
  const name = p.recordName.endsWith(".") ? p.recordName : `${p.recordName}.`;
  const base = {
    Name: name,
    Type: p.type as RRType,
    ...(p.setIdentifier ? { SetIdentifier: p.setIdentifier } : {}),
  };
  if (p.alias) {
    const target = raw.alias?.target;
    const out = isRef(target) ? outputsOf(ctx, target.ref) : undefined;
    const literal = target as { dnsName?: string; zoneId?: string };
    return {
      ...base,
      AliasTarget: {
        DNSName: String(out?.dnsName ?? literal.dnsName ?? ""),
        HostedZoneId: String(out?.hostedZoneId ?? literal.zoneId ?? ""),
        EvaluateTargetHealth: p.alias.evaluateTargetHealth,
      },
    };
  }
  const values = raw.values.map((v, i) => {
    if (!isRef(v)) return String(p.values[i]);
    const out = outputsOf(ctx, v.ref);
    return String(out?.endpoint ?? out?.publicIp ?? out?.dnsName ?? out?.privateIp ?? p.values[i]);
  });
  return { ...base, TTL: p.ttl ?? 300, ResourceRecords: values.map((Value) => ({ Value })) };
}

/** The outputs of the step that made `ref` (a dependency of this one). */
function outputsOf(ctx: StepContext, ref: string): JsonObject | undefined {
  for (const kind of ["create", "copy", "adopt", "wait", "dns"]) {
    const out = ctx.dependencyOutputs.get(`${kind}:${ref}`);
    if (out && (out.endpoint || out.dnsName || out.publicIp || out.privateIp)) return out;
  }
  return ctx.dependencyOutputs.get(`create:${ref}`);
}

async function currentRecord(route53: Route53Client, zone: string, want: ResourceRecordSet) {
  const found = await send("route53.ListResourceRecordSets", () =>
    route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zone,
        StartRecordName: want.Name,
        StartRecordType: want.Type,
        MaxItems: 10,
      }),
    ),
  );
  return found.ResourceRecordSets?.find(
    (r) =>
      r.Name?.toLowerCase() === want.Name?.toLowerCase() &&
      r.Type === want.Type &&
      (r.SetIdentifier ?? "") === (want.SetIdentifier ?? ""),
  );
}

export function sameRecord(a: ResourceRecordSet, b: ResourceRecordSet): boolean {
  if (a.AliasTarget || b.AliasTarget) {
    const norm = (s?: string) => (s ?? "").toLowerCase().replace(/\.$/, "");
    return (
      norm(a.AliasTarget?.DNSName) === norm(b.AliasTarget?.DNSName) &&
      a.AliasTarget?.HostedZoneId === b.AliasTarget?.HostedZoneId
    );
  }
  const values = (r: ResourceRecordSet) =>
    (r.ResourceRecords ?? [])
      .map((v) => v.Value)
      .sort()
      .join(",");
  return values(a) === values(b);
}

/** moto 5.2.1 returns `TTL: 0` on aliases; AWS refuses TTL together with AliasTarget. */
export function cleanAlias(r: ResourceRecordSet): ResourceRecordSet {
  if (!r.AliasTarget) return r;
  const { TTL: _ttl, ResourceRecords: _values, ...rest } = r;
  return rest;
}

async function change(
  route53: Route53Client,
  zone: string,
  action: "UPSERT" | "DELETE",
  set: ResourceRecordSet,
) {
  await send("route53.ChangeResourceRecordSets", () =>
    route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone,
        ChangeBatch: { Changes: [{ Action: action, ResourceRecordSet: cleanAlias(set) }] },
      }),
    ),
  );
}

/** The private zone of that name associated with `network` (a zone per network and name). */
async function findPrivateZone(
  route53: Route53Client,
  name: string,
  network: string | undefined,
): Promise<string | undefined> {
  const dns = name.endsWith(".") ? name : `${name}.`;
  const found = await send("route53.ListHostedZonesByName", () =>
    route53.send(new ListHostedZonesByNameCommand({ DNSName: dns })),
  );
  for (const z of found.HostedZones ?? []) {
    if (z.Name?.toLowerCase() !== dns.toLowerCase() || !z.Config?.PrivateZone || !z.Id) continue;
    const zone = await send("route53.GetHostedZone", () =>
      route53.send(new GetHostedZoneCommand({ Id: z.Id })),
    );
    if ((zone.VPCs ?? []).some((v) => v.VPCId === network)) return zoneId(z.Id);
  }
  return undefined;
}

function zoneId(id: string): string {
  return id.replace(/^\/hostedzone\//, "");
}

export async function findZone(
  route53: Route53Client,
  name: string,
  privateZone: boolean,
): Promise<string | undefined> {
  const dns = name.endsWith(".") ? name : `${name}.`;
  const found = await send("route53.ListHostedZonesByName", () =>
    route53.send(new ListHostedZonesByNameCommand({ DNSName: dns })),
  );
  const zone = found.HostedZones?.find(
    (z) => z.Name?.toLowerCase() === dns.toLowerCase() && !!z.Config?.PrivateZone === privateZone,
  );
  return zone?.Id === undefined ? undefined : zoneId(zone.Id);
}

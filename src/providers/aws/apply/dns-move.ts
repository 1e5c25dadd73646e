import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type Change,
  type ResourceRecordSet,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import { DescribeLoadBalancersCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { StepResult, UndoResult } from "../../../execute/step-handler.js";
import { LifeboatError } from "../../../model/errors.js";
import type { DnsMoveInput, DnsMoveTarget } from "../../../model/plan/failover-steps.js";
import type { JsonObject } from "../../../store/codec.js";
import type { AwsClients } from "../aws-connection.js";
import { required, send } from "./apply-env.js";
import { cleanAlias, findZone, sameRecord } from "./dns-appliers.js";

/** The record types a move replaces; anything else under the name (MX, TXT…) is left alone. */
const movable = new Set(["A", "AAAA", "CNAME"]);
const defaultTtl = 60;

/** One record's change, kept in the outputs so an undo can put the old sets back. */
interface MovedRecord {
  readonly name: string;
  readonly previous: ResourceRecordSet[];
  readonly set: ResourceRecordSet;
  readonly changed: boolean;
}

/**
 * Moves `input.records` of the public zone to `input.to`, every record in one change batch
 * (Route53 applies a batch atomically). Per record:
 * - a load balancer or a DNS name with a hosted zone id → an `A` alias, unless the record is a
 *   CNAME today (not at the apex), which stays a CNAME to the DNS name;
 * - a DNS name without a zone id → a CNAME (at the apex → `LB_INVALID_INPUT`);
 * - addresses → `A` records.
 * TTL (not aliases): `input.ttl`, else the record's current TTL (so a TTL lowered ahead is
 * honoured), else 60 s. A record already as desired is left alone (idempotent; a retried or
 * resumed step changes nothing). Outputs `{ zoneId, records: [{ name, previous, set, changed }] }`.
 */
export async function moveRecords(clients: AwsClients, input: DnsMoveInput): Promise<StepResult> {
  const { route53 } = clients;
  const zoneId = required(await findZone(route53, input.zone, false), `public zone ${input.zone}`);
  const target = await resolveTarget(clients, input.to);
  const moved: MovedRecord[] = [];
  const changes: Change[] = [];
  for (const record of input.records) {
    const name = fqdn(record);
    const previous = (await recordsNamed(route53, zoneId, name)).filter((r) =>
      movable.has(r.Type ?? ""),
    );
    const set = desiredSet(name, fqdn(input.zone), target, previous, input.ttl);
    const same =
      previous.length === 1 && previous[0]!.Type === set.Type && sameRecord(previous[0]!, set);
    if (!same) {
      for (const old of previous) {
        if (old.Type !== set.Type) changes.push({ Action: "DELETE", ResourceRecordSet: old });
      }
      changes.push({ Action: "UPSERT", ResourceRecordSet: set });
    }
    moved.push({ name, previous, set, changed: !same });
  }
  if (changes.length > 0) await applyChanges(route53, zoneId, changes);
  return { outputs: { zoneId, records: plain(moved) } };
}

/** Puts back what a move replaced, for each record still as the move left it. */
export async function restoreRecords(
  route53: Route53Client,
  outputs: JsonObject | null,
): Promise<UndoResult> {
  const zoneId = typeof outputs?.zoneId === "string" ? outputs.zoneId : undefined;
  const records = (outputs?.records ?? []) as unknown as MovedRecord[];
  if (!zoneId) return "absent";
  const changes: Change[] = [];
  for (const record of records.filter((r) => r.changed)) {
    const now = (await recordsNamed(route53, zoneId, record.name)).find(
      (r) => r.Type === record.set.Type,
    );
    if (!now || !sameRecord(now, record.set)) continue; // moved again since: not ours to undo
    const replaced = record.previous.some((p) => p.Type === now.Type);
    if (!replaced) changes.push({ Action: "DELETE", ResourceRecordSet: cleanAlias(now) });
    for (const old of record.previous) changes.push({ Action: "UPSERT", ResourceRecordSet: old });
  }
  if (changes.length === 0) return "absent";
  await applyChanges(route53, zoneId, changes);
  return "deleted";
}

interface ResolvedTarget {
  readonly dnsName?: string;
  readonly hostedZoneId?: string;
  readonly addresses?: readonly string[];
}

async function resolveTarget(clients: AwsClients, to: DnsMoveTarget): Promise<ResolvedTarget> {
  if ("addresses" in to) return { addresses: to.addresses };
  if ("dnsName" in to) return to;
  const byArn = to.loadBalancer.startsWith("arn:");
  const found = await send("elbv2.DescribeLoadBalancers", () =>
    clients.elbv2.send(
      new DescribeLoadBalancersCommand(
        byArn ? { LoadBalancerArns: [to.loadBalancer] } : { Names: [to.loadBalancer] },
      ),
    ),
  );
  const lb = found.LoadBalancers?.[0];
  return {
    dnsName: required(lb?.DNSName, `DNS name of load balancer ${to.loadBalancer}`),
    hostedZoneId: required(lb?.CanonicalHostedZoneId, "CanonicalHostedZoneId"),
  };
}

function desiredSet(
  name: string,
  apex: string,
  target: ResolvedTarget,
  previous: readonly ResourceRecordSet[],
  ttl: number | undefined,
): ResourceRecordSet {
  const keptTtl = ttl ?? previous.find((p) => p.TTL !== undefined && !p.AliasTarget)?.TTL;
  const withTtl = keptTtl ?? defaultTtl;
  if (target.addresses) {
    return {
      Name: name,
      Type: "A",
      TTL: withTtl,
      ResourceRecords: target.addresses.map((Value) => ({ Value })),
    };
  }
  const dnsName = target.dnsName!;
  const wasCname = previous.some((p) => p.Type === "CNAME");
  const atApex = name.toLowerCase() === apex.toLowerCase();
  if (target.hostedZoneId && (atApex || !wasCname)) {
    const evaluate = previous.find((p) => p.AliasTarget)?.AliasTarget?.EvaluateTargetHealth;
    return {
      Name: name,
      Type: "A",
      AliasTarget: {
        DNSName: dnsName,
        HostedZoneId: target.hostedZoneId,
        EvaluateTargetHealth: evaluate ?? true,
      },
    };
  }
  if (atApex) {
    throw new LifeboatError(
      "LB_INVALID_INPUT",
      `${name} is the zone apex: it cannot be a CNAME; give a load balancer or addresses`,
      { details: { record: name } },
    );
  }
  return { Name: name, Type: "CNAME", TTL: withTtl, ResourceRecords: [{ Value: dnsName }] };
}

/** Every record set named exactly `name` (any type). */
export async function recordsNamed(
  route53: Route53Client,
  zoneId: string,
  name: string,
): Promise<ResourceRecordSet[]> {
  const found = await send("route53.ListResourceRecordSets", () =>
    route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: name,
        MaxItems: 20,
      }),
    ),
  );
  return (found.ResourceRecordSets ?? [])
    .filter((r) => r.Name?.toLowerCase() === name.toLowerCase())
    .map(cleanAlias);
}

export async function applyChanges(
  route53: Route53Client,
  zoneId: string,
  changes: Change[],
): Promise<void> {
  await send("route53.ChangeResourceRecordSets", () =>
    route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Comment: "lifeboat", Changes: changes },
      }),
    ),
  );
}

export function fqdn(name: string): string {
  return name.endsWith(".") ? name : `${name}.`;
}

function plain(value: unknown): JsonObject[] {
  return JSON.parse(JSON.stringify(value)) as JsonObject[];
}

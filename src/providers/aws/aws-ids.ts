import type { External, JsonValue, LogicalId, Ref } from "../../model/inventory/index.js";
import { logicalId, ref } from "../../model/inventory/index.js";

/**
 * How AWS identities become logical ids (docs/inventory.md, "Logical ids"): EC2 ids as they are
 * (`subnet:subnet-0a1b…`); names where AWS makes them unique per account and region (scaling
 * groups, load balancers, target groups, databases, DB subnet groups); a listener is its load
 * balancer's name and its port; a DNS record is its zone id, name, type and set identifier.
 */

/** `arn:aws:elasticloadbalancing:r:a:loadbalancer/app/NAME/hash` → NAME. */
export function loadBalancerName(arn: string): string {
  return arn.split(":").slice(5).join(":").split("/")[2] ?? arn;
}

/** `arn:aws:elasticloadbalancing:r:a:targetgroup/NAME/hash` → NAME. */
export function targetGroupName(arn: string): string {
  return arn.split(":").slice(5).join(":").split("/")[1] ?? arn;
}

export const targetGroupRef = (arn: string): Ref => ref("target-group", targetGroupName(arn));

export function recordId(zoneId: string, name: string, type: string, setId?: string): string {
  return [zoneId, name, type, ...(setId === undefined ? [] : [setId])].join("/");
}

/** DNS names compare without case, trailing dot or the `dualstack.` prefix ELB aliases carry. */
export function dnsKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/\.$/, "")
    .replace(/^dualstack\./, "");
}

/** Sorted, de-duplicated refs of one kind. */
export function refs(kind: Parameters<typeof ref>[0], ids: readonly (string | undefined)[]): Ref[] {
  const unique = [...new Set(ids.filter((id): id is string => id !== undefined && id !== ""))];
  return unique.sort().map((id) => ref(kind, id));
}

export function external(
  kind: External["kind"],
  providerId: string,
  reason: External["reason"],
  hints: Record<string, string> = {},
): External {
  return { id: logicalId(kind, providerId) as LogicalId, kind, providerId, reason, hints };
}

/** A JSON copy without `undefined` members and with dates as ISO strings. */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Drops members whose value is undefined, so optional schema fields stay absent. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A provider settings object as a JSON record (for pass-through fields of the model). */
export function jsonRecord(value: object): Record<string, JsonValue> {
  return plain(value) as Record<string, JsonValue>;
}

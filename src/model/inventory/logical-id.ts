import { z } from "zod";

/** The kinds of resource a capture holds, in the order a rebuild broadly needs them. */
export const resourceKinds = [
  "network",
  "subnet",
  "internet-gateway",
  "address",
  "nat-gateway",
  "route-table",
  "security-group",
  "image",
  "machine",
  "network-interface",
  "volume",
  "launch-template",
  "target-group",
  "load-balancer",
  "listener",
  "scaling-group",
  "db-subnet-group",
  "database",
  "dns-zone",
  "dns-record",
] as const;

export type ResourceKind = (typeof resourceKinds)[number];
export const resourceKindSchema = z.enum(resourceKinds);

/**
 * Kinds that resources may reference but that a capture never holds as resources: they belong
 * to the account or to other services (key pairs, IAM instance profiles, ACM certificates, KMS
 * keys, snapshots, ...). A reference to one is always an explicit external reference.
 */
export const externalOnlyKinds = [
  "key-pair",
  "instance-profile",
  "certificate",
  "kms-key",
  "snapshot",
  "prefix-list",
  "peering-connection",
  "transit-gateway",
  "vpn-gateway",
  "vpc-endpoint",
  "egress-only-gateway",
  "db-parameter-group",
  "db-option-group",
  "health-check",
  "dns-target",
] as const;

export type ExternalOnlyKind = (typeof externalOnlyKinds)[number];
export type AnyKind = ResourceKind | ExternalOnlyKind;
export const anyKindSchema = z.enum([...resourceKinds, ...externalOnlyKinds]);

/**
 * A logical id is `<kind>:<provider id>`: stable for as long as the provider keeps the id, the
 * same in every capture, and unique within one inventory (docs/inventory.md, "Logical ids").
 */
export type LogicalId = `${AnyKind}:${string}`;

const logicalIdPattern = /^([a-z][a-z-]*):(.+)$/;

export const logicalIdSchema = z
  .string()
  .regex(logicalIdPattern, "a logical id is <kind>:<provider id>")
  .refine((id) => anyKindSchema.safeParse(id.slice(0, id.indexOf(":"))).success, {
    message: "unknown kind in logical id",
  })
  .transform((id) => id as LogicalId);

export function logicalId(kind: AnyKind, providerId: string): LogicalId {
  return `${kind}:${providerId}`;
}

/** Splits a logical id; undefined when the string is not one. */
export function parseLogicalId(
  id: string,
): { readonly kind: AnyKind; readonly providerId: string } | undefined {
  const match = logicalIdPattern.exec(id);
  if (!match) return undefined;
  const kind = anyKindSchema.safeParse(match[1]);
  if (!kind.success || match[2] === undefined) return undefined;
  return { kind: kind.data, providerId: match[2] };
}

/**
 * A reference from one resource to another, written where the source had the other resource's
 * id. It always names a logical id, never a literal that only exists in the source.
 */
export interface Ref {
  readonly ref: LogicalId;
}

export const refSchema = z.strictObject({ ref: logicalIdSchema });

export function ref(kind: AnyKind, providerId: string): Ref {
  return { ref: logicalId(kind, providerId) };
}

export function isRef(value: unknown): value is Ref {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { ref?: unknown }).ref === "string"
  );
}

/** Any JSON value; used for provider settings a rebuild passes through unchanged. */
export const jsonValueSchema = z.json();
export type JsonValue = z.infer<typeof jsonValueSchema>;

import { z } from "zod";

/*
 * The inputs of the failover step kinds (docs/failover.md). They say *what* to do, never which
 * direction: "move these records to this load balancer", "fence these resources" — so a
 * failback run uses the same kinds with source and target swapped. `connection` names the
 * provider connection of the config whose credentials (and region) the step uses.
 */

const name = z.string().min(1);

/** Where `dns-move` points the records. */
export const dnsMoveTargetSchema = z.union([
  /** A load balancer (ARN, or name) in the connection's region: alias, or CNAME. */
  z.strictObject({ loadBalancer: name }),
  /** A DNS name; with `hostedZoneId` it may be an alias target. */
  z.strictObject({ dnsName: name, hostedZoneId: name.optional() }),
  /** Plain A records. */
  z.strictObject({ addresses: z.array(z.ipv4()).min(1) }),
]);
export type DnsMoveTarget = z.infer<typeof dnsMoveTargetSchema>;

/** `dns-move`: UPSERT `records` of the public `zone` so they lead to `to`, in one change batch. */
export const dnsMoveInputSchema = z.strictObject({
  connection: name,
  zone: name,
  records: z.array(name).min(1),
  to: dnsMoveTargetSchema,
  /** TTL of records that are not aliases; default the record's current TTL, else 60 s. */
  ttl: z.number().int().min(0).optional(),
});
export type DnsMoveInput = z.infer<typeof dnsMoveInputSchema>;

/** `dns-ttl`: lower the TTL of `records` (aliases have none) to `ttl`, values unchanged. */
export const dnsTtlInputSchema = z.strictObject({
  connection: name,
  zone: name,
  records: z.array(name).min(1),
  ttl: z.number().int().min(0),
});
export type DnsTtlInput = z.infer<typeof dnsTtlInputSchema>;

/** A scaling group to fence, with the sizes it had when captured (what a release restores). */
export const fencedGroupSchema = z.strictObject({
  name,
  minSize: z.number().int().min(0),
  maxSize: z.number().int().min(0),
  desiredCapacity: z.number().int().min(0),
});

/**
 * `fence`: stop the writers of one side — scale `scalingGroups` to 0 (min and desired; max
 * kept) and stop `instances`. An unreachable provider is recorded in the outputs, not fatal.
 */
export const fenceInputSchema = z.strictObject({
  connection: name,
  scalingGroups: z.array(fencedGroupSchema).default([]),
  instances: z.array(name).default([]),
});
export type FenceInput = z.infer<typeof fenceInputSchema>;

/**
 * `verify`: the recovered endpoint must answer as expected (an HTTP GET) before traffic moves.
 * `{dnsName}` in `url` is replaced by the `dnsName` output of step `dnsNameFrom` (the recovered
 * load balancer). Polled every `everySeconds` until healthy or `timeoutSeconds` pass.
 */
export const verifyEndpointInputSchema = z.strictObject({
  url: name,
  dnsNameFrom: name.optional(),
  /** One status or an inclusive range; default any 2xx or 3xx. */
  expectStatus: z
    .union([
      z.number().int().min(100).max(599),
      z.strictObject({
        min: z.number().int().min(100).max(599),
        max: z.number().int().min(100).max(599),
      }),
    ])
    .optional(),
  bodyContains: z.string().optional(),
  timeoutSeconds: z.number().int().positive(),
  everySeconds: z.number().int().positive(),
});
export type VerifyEndpointInput = z.infer<typeof verifyEndpointInputSchema>;

/** `mark`: set the environment's status in the state store (`failed-over` after a failover). */
export const markEnvironmentInputSchema = z.strictObject({
  status: z.enum(["active", "failing-over", "failed-over", "failing-back"]),
});
export type MarkEnvironmentInput = z.infer<typeof markEnvironmentInputSchema>;

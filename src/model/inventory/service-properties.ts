import { z } from "zod";
import { refSchema } from "./logical-id.js";

/** Properties of load balancing, DNS and managed database kinds. */

const jsonValue = z.json();

export const loadBalancerProperties = z.strictObject({
  type: z.string(),
  scheme: z.string(),
  ipAddressType: z.string(),
  subnets: z.array(refSchema),
  groups: z.array(refSchema),
  attributes: z.record(z.string(), z.string()),
});

export const actionSchema = z.strictObject({
  type: z.string(),
  order: z.number().optional(),
  /** Target groups the action forwards to, with their weights. */
  forward: z.array(z.strictObject({ targetGroup: refSchema, weight: z.number() })).optional(),
  stickiness: z.record(z.string(), jsonValue).optional(),
  redirect: z.record(z.string(), jsonValue).optional(),
  fixedResponse: z.record(z.string(), jsonValue).optional(),
});

export const listenerProperties = z.strictObject({
  loadBalancer: refSchema,
  port: z.number().optional(),
  protocol: z.string().optional(),
  sslPolicy: z.string().optional(),
  certificates: z.array(refSchema),
  defaultActions: z.array(actionSchema),
  rules: z.array(
    z.strictObject({
      priority: z.string(),
      conditions: z.array(z.record(z.string(), jsonValue)),
      actions: z.array(actionSchema),
    }),
  ),
});

export const targetGroupProperties = z.strictObject({
  network: refSchema.optional(),
  targetType: z.string(),
  protocol: z.string().optional(),
  protocolVersion: z.string().optional(),
  port: z.number().optional(),
  healthCheck: z.record(z.string(), jsonValue),
  /**
   * Targets registered by hand. Machines a scaling group registers are left out: the group's
   * `targetGroups` implies them, and they come and go with its size.
   */
  targets: z.array(
    z.strictObject({
      target: z.union([z.string(), refSchema]),
      port: z.number().optional(),
      zone: z.string().optional(),
    }),
  ),
});

export const dnsZoneProperties = z.strictObject({
  zoneName: z.string(),
  private: z.boolean(),
  comment: z.string().optional(),
  networks: z.array(refSchema),
});

export const dnsRecordProperties = z.strictObject({
  zone: refSchema,
  recordName: z.string(),
  type: z.string(),
  setIdentifier: z.string().optional(),
  /** Absent on alias records, which have no TTL of their own. */
  ttl: z.number().optional(),
  /** Literal values, or refs where a value named a captured resource (an EIP, a database). */
  values: z.array(z.union([z.string(), refSchema])),
  alias: z
    .strictObject({
      /** The resource the alias points at, or the literal target outside the provider. */
      target: z.union([refSchema, z.strictObject({ dnsName: z.string(), zoneId: z.string() })]),
      evaluateTargetHealth: z.boolean(),
    })
    .optional(),
  routing: z.record(z.string(), jsonValue).optional(),
  healthCheck: refSchema.optional(),
});

export const dbSubnetGroupProperties = z.strictObject({
  groupName: z.string(),
  description: z.string(),
  network: refSchema.optional(),
  subnets: z.array(refSchema),
});

export const databaseProperties = z.strictObject({
  engine: z.string(),
  engineVersion: z.string(),
  instanceClass: z.string(),
  allocatedStorage: z.number(),
  maxAllocatedStorage: z.number().optional(),
  storageType: z.string().optional(),
  iops: z.number().optional(),
  storageEncrypted: z.boolean(),
  kmsKey: refSchema.optional(),
  multiAz: z.boolean(),
  subnetGroup: refSchema.optional(),
  groups: z.array(refSchema),
  port: z.number().optional(),
  masterUsername: z.string().optional(),
  dbName: z.string().optional(),
  parameterGroups: z.array(refSchema),
  /** Parameters the user set in a non-default parameter group (source `user`). */
  parameters: z.record(z.string(), z.string()),
  optionGroups: z.array(refSchema),
  backupRetentionPeriod: z.number(),
  preferredBackupWindow: z.string().optional(),
  preferredMaintenanceWindow: z.string().optional(),
  publiclyAccessible: z.boolean(),
  deletionProtection: z.boolean(),
  iamAuthentication: z.boolean(),
  autoMinorVersionUpgrade: z.boolean(),
  copyTagsToSnapshot: z.boolean(),
  licenseModel: z.string().optional(),
});

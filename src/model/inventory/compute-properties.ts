import { z } from "zod";
import { refSchema } from "./logical-id.js";

/** Properties of machines, disks, images, launch templates and scaling groups. */

const jsonValue = z.json();

export const blockDeviceSchema = z.strictObject({
  device: z.string(),
  snapshot: refSchema.optional(),
  size: z.number().optional(),
  volumeType: z.string().optional(),
  iops: z.number().optional(),
  throughput: z.number().optional(),
  encrypted: z.boolean().optional(),
  deleteOnTermination: z.boolean().optional(),
  virtualName: z.string().optional(),
});

export const machineProperties = z.strictObject({
  instanceType: z.string(),
  image: refSchema,
  subnet: refSchema.optional(),
  groups: z.array(refSchema),
  /** The primary private IP first, then secondary ones of the primary interface. */
  privateIps: z.array(z.string()),
  keyPair: refSchema.optional(),
  instanceProfile: refSchema.optional(),
  /** Base64, exactly as the provider holds it. */
  userData: z.string().optional(),
  rootDevice: z.string().optional(),
  /** Which devices the machine has; each disk is a `volume` resource referring to the machine. */
  blockDevices: z.array(z.strictObject({ device: z.string(), deleteOnTermination: z.boolean() })),
  architecture: z.string().optional(),
  ebsOptimized: z.boolean(),
  monitoring: z.boolean(),
  sourceDestCheck: z.boolean().optional(),
  tenancy: z.string().optional(),
  metadataOptions: z.record(z.string(), jsonValue).optional(),
});

export const volumeProperties = z.strictObject({
  size: z.number(),
  volumeType: z.string(),
  iops: z.number().optional(),
  throughput: z.number().optional(),
  encrypted: z.boolean(),
  kmsKey: refSchema.optional(),
  snapshot: refSchema.optional(),
  multiAttach: z.boolean(),
  attachments: z.array(
    z.strictObject({
      machine: refSchema,
      device: z.string(),
      deleteOnTermination: z.boolean(),
    }),
  ),
});

export const imageProperties = z.strictObject({
  imageName: z.string(),
  description: z.string().optional(),
  architecture: z.string().optional(),
  platform: z.string().optional(),
  rootDevice: z.string().optional(),
  virtualizationType: z.string().optional(),
  enaSupport: z.boolean().optional(),
  owner: z.string(),
  public: z.boolean(),
  blockDevices: z.array(blockDeviceSchema),
});

/** Launch template data: the fields a rebuild uses normalised, ids as refs. */
export const launchTemplateDataSchema = z.strictObject({
  instanceType: z.string().optional(),
  image: refSchema.optional(),
  keyPair: refSchema.optional(),
  instanceProfile: refSchema.optional(),
  groups: z.array(refSchema),
  userData: z.string().optional(),
  blockDevices: z.array(blockDeviceSchema),
  networkInterfaces: z.array(
    z.strictObject({
      deviceIndex: z.number().optional(),
      subnet: refSchema.optional(),
      groups: z.array(refSchema),
      associatePublicIpAddress: z.boolean().optional(),
      deleteOnTermination: z.boolean().optional(),
    }),
  ),
  monitoring: z.boolean().optional(),
  ebsOptimized: z.boolean().optional(),
  metadataOptions: z.record(z.string(), jsonValue).optional(),
  tagSpecifications: z.array(
    z.strictObject({ resourceType: z.string(), tags: z.record(z.string(), z.string()) }),
  ),
});

export const launchTemplateProperties = z.strictObject({
  templateName: z.string(),
  defaultVersion: z.number(),
  latestVersion: z.number(),
  versions: z.array(
    z.strictObject({
      number: z.number(),
      description: z.string().optional(),
      data: launchTemplateDataSchema,
    }),
  ),
});

export const scalingGroupProperties = z.strictObject({
  minSize: z.number(),
  maxSize: z.number(),
  desiredCapacity: z.number(),
  /** `$Latest`, `$Default` or a version number, as the group names it. */
  launchTemplate: z.strictObject({ template: refSchema, version: z.string() }).optional(),
  subnets: z.array(refSchema),
  zones: z.array(z.string()),
  targetGroups: z.array(refSchema),
  healthCheck: z.strictObject({ type: z.string(), gracePeriod: z.number() }),
  defaultCooldown: z.number(),
  terminationPolicies: z.array(z.string()),
  capacityRebalance: z.boolean(),
  newInstancesProtectedFromScaleIn: z.boolean(),
  maxInstanceLifetime: z.number().optional(),
  /** Keys of the group's tags that are copied onto the machines it launches. */
  propagatedTags: z.array(z.string()),
});

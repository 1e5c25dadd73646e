import { z } from "zod";
import { refSchema } from "./logical-id.js";

/** Properties of the network kinds: what a rebuild needs, with every id turned into a ref. */

export const networkProperties = z.strictObject({
  cidrBlock: z.string(),
  additionalCidrBlocks: z.array(z.string()),
  ipv6CidrBlocks: z.array(z.string()),
  instanceTenancy: z.string(),
  enableDnsSupport: z.boolean().optional(),
  enableDnsHostnames: z.boolean().optional(),
  isDefault: z.boolean(),
});

export const subnetProperties = z.strictObject({
  network: refSchema,
  cidrBlock: z.string(),
  ipv6CidrBlocks: z.array(z.string()),
  mapPublicIpOnLaunch: z.boolean(),
  assignIpv6AddressOnCreation: z.boolean(),
  defaultForZone: z.boolean(),
});

export const routeSchema = z.strictObject({
  /** A CIDR, an IPv6 CIDR, or a ref to a prefix list. */
  destination: z.union([z.string(), refSchema]),
  /** `local` for the network's own route; otherwise the gateway, NAT, interface, ... */
  target: z.union([z.literal("local"), refSchema]),
});

export const routeTableProperties = z.strictObject({
  network: refSchema,
  main: z.boolean(),
  routes: z.array(routeSchema),
  /** Subnets (and gateways, for edge associations) explicitly associated with this table. */
  associations: z.array(refSchema),
});

export const internetGatewayProperties = z.strictObject({
  networks: z.array(refSchema),
});

export const natGatewayProperties = z.strictObject({
  subnet: refSchema,
  connectivity: z.string(),
  addresses: z.array(
    z.strictObject({ address: refSchema.optional(), privateIp: z.string().optional() }),
  ),
});

export const addressProperties = z.strictObject({
  publicIp: z.string(),
  domain: z.string(),
  /** The machine or network interface the address is associated with, if any. */
  association: refSchema.optional(),
  privateIp: z.string().optional(),
});

export const ruleSchema = z.strictObject({
  protocol: z.string(),
  fromPort: z.number().optional(),
  toPort: z.number().optional(),
  /** A CIDR or IPv6 CIDR literal, or a ref to a security group or prefix list. */
  peer: z.union([z.string(), refSchema]),
  description: z.string().optional(),
});

export const securityGroupProperties = z.strictObject({
  network: refSchema,
  groupName: z.string(),
  description: z.string(),
  ingress: z.array(ruleSchema),
  egress: z.array(ruleSchema),
});

export const networkInterfaceProperties = z.strictObject({
  subnet: refSchema,
  groups: z.array(refSchema),
  description: z.string(),
  interfaceType: z.string(),
  sourceDestCheck: z.boolean(),
  privateIps: z.array(z.strictObject({ address: z.string(), primary: z.boolean() })),
  attachment: z
    .strictObject({
      machine: refSchema,
      deviceIndex: z.number(),
      deleteOnTermination: z.boolean(),
    })
    .optional(),
});

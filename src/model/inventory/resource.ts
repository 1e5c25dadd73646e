import { z } from "zod";
import type { blockDeviceSchema } from "./compute-properties.js";
import {
  imageProperties,
  launchTemplateProperties,
  machineProperties,
  scalingGroupProperties,
  volumeProperties,
} from "./compute-properties.js";
import { logicalIdSchema, type ResourceKind } from "./logical-id.js";
import {
  addressProperties,
  internetGatewayProperties,
  natGatewayProperties,
  networkInterfaceProperties,
  networkProperties,
  routeTableProperties,
  securityGroupProperties,
  subnetProperties,
} from "./network-properties.js";
import {
  databaseProperties,
  dbSubnetGroupProperties,
  dnsRecordProperties,
  dnsZoneProperties,
  listenerProperties,
  loadBalancerProperties,
  targetGroupProperties,
} from "./service-properties.js";

/** Where a resource lives. Global services (DNS) use the region `global`. */
export const locationSchema = z.strictObject({
  region: z.string(),
  zone: z.string().optional(),
});

const base = {
  id: logicalIdSchema,
  /** The provider's own id (an AWS id, name or ARN), kept for display and for adoption. */
  providerId: z.string(),
  name: z.string(),
  location: locationSchema,
  /** User tags. Provider-reserved tags (`aws:*`) are not part of an inventory. */
  tags: z.record(z.string(), z.string()),
};

const kind = <K extends ResourceKind, P extends z.ZodType>(k: K, properties: P) =>
  z.strictObject({ ...base, kind: z.literal(k), properties });

/** One captured resource. `properties` is normalised per kind; its refs are its dependencies. */
export const resourceSchema = z.discriminatedUnion("kind", [
  kind("network", networkProperties),
  kind("subnet", subnetProperties),
  kind("internet-gateway", internetGatewayProperties),
  kind("address", addressProperties),
  kind("nat-gateway", natGatewayProperties),
  kind("route-table", routeTableProperties),
  kind("security-group", securityGroupProperties),
  kind("image", imageProperties),
  kind("machine", machineProperties),
  kind("network-interface", networkInterfaceProperties),
  kind("volume", volumeProperties),
  kind("launch-template", launchTemplateProperties),
  kind("target-group", targetGroupProperties),
  kind("load-balancer", loadBalancerProperties),
  kind("listener", listenerProperties),
  kind("scaling-group", scalingGroupProperties),
  kind("db-subnet-group", dbSubnetGroupProperties),
  kind("database", databaseProperties),
  kind("dns-zone", dnsZoneProperties),
  kind("dns-record", dnsRecordProperties),
]);

export type Resource = z.infer<typeof resourceSchema>;
export type ResourceOf<K extends ResourceKind> = Extract<Resource, { kind: K }>;
export type PropertiesOf<K extends ResourceKind> = ResourceOf<K>["properties"];
export type BlockDevice = z.infer<typeof blockDeviceSchema>;

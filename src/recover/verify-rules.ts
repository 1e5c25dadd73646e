/**
 * What verification does not compare, because it cannot match by design (docs/recovery.md,
 * "Verification"). One line of reason per rule; keys are property names at any depth.
 */
export const ignoredProperties: Readonly<Record<string, string>> = {
  arn: "ARNs embed the target region and account",
  dnsName: "load balancer DNS names are assigned by the target region",
  canonicalHostedZoneId: "assigned by the target region",
  providerId: "ids are assigned by the target",
  imageId: "an image is copied or mapped; the target id always differs",
  ownerId: "the account that owns a copied image",
  createdAt: "creation time of the copy",
  endpoint: "database endpoints are assigned by the target",
  publicIp: "public addresses are allocated by the target",
  publicIpAddress: "public addresses are allocated by the target",
  allocationId: "assigned by the target",
  macAddress: "assigned by the target",
  snapshotId: "volumes in the target come from the target's own snapshots",
  latestVersion: "launch template versions count from 1 in the target",
  defaultVersion: "launch template versions count from 1 in the target",
  imageName: "a copied image's name carries a run-unique suffix (names are unique per region)",
};

/**
 * Properties ignored for one kind only: `<kind>:<key>`. A NAT gateway's interface address is
 * picked by the target (the create call is not given the source's address).
 */
export const ignoredKindProperties: ReadonlySet<string> = new Set(["nat-gateway:privateIp"]);

/**
 * Lists compared as sets: the order the provider returns them in is not part of what the
 * environment is (subnets of a group, a scaling group or a load balancer).
 */
export const unorderedLists: ReadonlySet<string> = new Set([
  "subnets",
  "securityGroups",
  "propagatedTags",
]);

/** Tags the copy carries that the source never had (compared as a subset instead). */
export const lifeboatTagPrefix = "lifeboat:";

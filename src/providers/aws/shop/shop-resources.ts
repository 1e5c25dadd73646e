import type { ShopEnvironment, ShopOptions, ShopResource } from "./shop-types.js";

/**
 * Every top-level resource of a built shop, as capture should find it. Routes, rules,
 * associations and attachments are part of their owner, as the listener is not: it has an ARN.
 */
export function listShopResources(
  shop: Omit<ShopEnvironment, "resources" | "resourceCount">,
): ShopResource[] {
  const { network, security, loadBalancer: lb, compute, database: db, dns } = shop;
  const subnets = [...network.publicSubnets, ...network.privateSubnets];
  const record = (name: string, type: string) =>
    ({ kind: "record", id: `${name} ${type}` }) as const;
  return [
    { kind: "vpc", id: network.vpcId },
    ...subnets.map((subnet) => ({ kind: "subnet", id: subnet.subnetId }) as const),
    { kind: "internet-gateway", id: network.internetGatewayId },
    { kind: "nat-gateway", id: network.natGatewayId },
    { kind: "elastic-ip", id: network.natAllocationId },
    { kind: "elastic-ip", id: compute.bastionAllocationId },
    { kind: "route-table", id: network.publicRouteTableId },
    { kind: "route-table", id: network.privateRouteTableId },
    ...[
      security.loadBalancerGroupId,
      security.webGroupId,
      security.databaseGroupId,
      security.bastionGroupId,
      ...security.extraGroupIds,
    ].map((id) => ({ kind: "security-group", id }) as const),
    { kind: "image", id: compute.imageId },
    { kind: "launch-template", id: compute.launchTemplateId },
    { kind: "auto-scaling-group", id: compute.autoScalingGroupName },
    ...[compute.bastionInstanceId, ...compute.webInstanceIds].map(
      (id) => ({ kind: "instance", id }) as const,
    ),
    { kind: "load-balancer", id: lb.arn },
    { kind: "target-group", id: lb.targetGroupArn },
    { kind: "listener", id: lb.listenerArn },
    { kind: "db-subnet-group", id: db.subnetGroupName },
    { kind: "db-instance", id: db.arn },
    { kind: "hosted-zone", id: dns.hostedZoneId },
    record(dns.shopRecordName, "A"),
    record(dns.databaseRecordName, "CNAME"),
    ...dns.extraRecordNames.map((name) => record(name, "CNAME")),
  ];
}

/** What `listShopResources` will count for these options, known before anything is built. */
export function predictResourceCount(
  options: Pick<ShopOptions, "webInstances" | "extraSecurityGroups" | "extraRecords">,
): number {
  return baseResources + options.webInstances + options.extraSecurityGroups + options.extraRecords;
}

/** A shop with no web instances and no filler: the sum of the fixed part of the list above. */
const baseResources =
  1 + // vpc
  4 + // subnets: public and private in two zones
  1 + // internet gateway
  1 + // NAT gateway
  2 + // elastic IPs: NAT and bastion
  2 + // route tables
  4 + // security groups: lb, web, db, bastion
  1 + // image
  1 + // launch template
  1 + // auto-scaling group
  1 + // bastion instance
  3 + // load balancer, target group, listener
  2 + // DB subnet group, DB instance
  1 + // hosted zone
  2; // records: alias to the load balancer, CNAME to the database

/** What `shopEnvironment(...).build()` was asked for; every field has a default. */
export interface ShopOptions {
  readonly region: string;
  /** Prefix of every name and the value of the `app` tag. */
  readonly name: string;
  readonly vpcCidr: string;
  /** Two zones: one public and one private subnet in each. Default `<region>a`, `<region>b`. */
  readonly zones: readonly [string, string];
  readonly webInstances: number;
  readonly instanceType: string;
  /** Public hosted zone; default `<name>.example.com`. */
  readonly domain: string;
  /** Filler for size tests: more security groups (each allows 9100 from the web group). */
  readonly extraSecurityGroups: number;
  /** Filler for size tests: more CNAME records in the hosted zone, pointing at the shop. */
  readonly extraRecords: number;
}

export interface ShopSubnet {
  readonly subnetId: string;
  readonly zone: string;
  readonly cidr: string;
  readonly tier: "public" | "private";
}

export interface ShopNetwork {
  readonly vpcId: string;
  readonly cidr: string;
  readonly internetGatewayId: string;
  readonly natGatewayId: string;
  readonly natAllocationId: string;
  readonly natPublicIp: string;
  /** One per zone, in `ShopOptions.zones` order. */
  readonly publicSubnets: readonly ShopSubnet[];
  readonly privateSubnets: readonly ShopSubnet[];
  /** Default route to the internet gateway; associated with the public subnets. */
  readonly publicRouteTableId: string;
  /** Default route to the NAT gateway; associated with the private subnets. */
  readonly privateRouteTableId: string;
}

export interface ShopSecurity {
  /** Allows 80 and 443 from anywhere. */
  readonly loadBalancerGroupId: string;
  /** Allows 8080 from the load balancer group and 22 from the bastion group. */
  readonly webGroupId: string;
  /** Allows 5432 from the web group. */
  readonly databaseGroupId: string;
  /** Allows 22 from the administrators' network (a documentation range). */
  readonly bastionGroupId: string;
  readonly adminCidr: string;
  readonly extraGroupIds: readonly string[];
}

export interface ShopLoadBalancer {
  readonly name: string;
  readonly arn: string;
  readonly dnsName: string;
  readonly canonicalHostedZoneId: string;
  readonly targetGroupName: string;
  readonly targetGroupArn: string;
  /** HTTP :80, forwarding to the target group. */
  readonly listenerArn: string;
}

export interface ShopCompute {
  /** Registered with RegisterImage: moto starts without AMIs (MOTO_EC2_LOAD_DEFAULT_AMIS=false). */
  readonly imageId: string;
  readonly imageName: string;
  readonly launchTemplateId: string;
  readonly launchTemplateName: string;
  readonly autoScalingGroupName: string;
  readonly webInstanceIds: readonly string[];
  readonly bastionInstanceId: string;
  readonly bastionAllocationId: string;
  readonly bastionPublicIp: string;
}

export interface ShopDatabase {
  readonly identifier: string;
  readonly arn: string;
  readonly engine: "postgres";
  readonly endpointAddress: string;
  readonly port: number;
  readonly subnetGroupName: string;
}

export interface ShopDns {
  readonly hostedZoneId: string;
  /** Without the trailing dot, e.g. `shop.example.com`. */
  readonly zoneName: string;
  /** Alias A record to the load balancer, e.g. `shop.example.com`. */
  readonly shopRecordName: string;
  /** CNAME to the database endpoint, e.g. `db.shop.example.com`. */
  readonly databaseRecordName: string;
  readonly extraRecordNames: readonly string[];
}

export type ShopResourceKind =
  | "vpc"
  | "subnet"
  | "internet-gateway"
  | "nat-gateway"
  | "elastic-ip"
  | "route-table"
  | "security-group"
  | "image"
  | "launch-template"
  | "auto-scaling-group"
  | "instance"
  | "load-balancer"
  | "target-group"
  | "listener"
  | "db-subnet-group"
  | "db-instance"
  | "hosted-zone"
  | "record";

/**
 * One created resource. `id` is how AWS names it: an EC2 or Route53 id, an ELB or RDS ARN, an
 * auto-scaling group or DB subnet group name, `"<name> <type>"` for a record.
 */
export interface ShopResource {
  readonly kind: ShopResourceKind;
  readonly id: string;
}

/** Everything the builder created, so tests can assert on ids, ARNs and names. */
export interface ShopEnvironment {
  readonly options: ShopOptions;
  readonly name: string;
  readonly region: string;
  /** The tags every resource carries besides its Name tag. */
  readonly tags: { readonly app: string };
  readonly network: ShopNetwork;
  readonly security: ShopSecurity;
  readonly loadBalancer: ShopLoadBalancer;
  readonly compute: ShopCompute;
  readonly database: ShopDatabase;
  readonly dns: ShopDns;
  /** Every top-level resource created; routes, rules and associations belong to their owner. */
  readonly resources: readonly ShopResource[];
  /** `resources.length`. */
  readonly resourceCount: number;
}

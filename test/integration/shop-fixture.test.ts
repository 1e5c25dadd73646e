import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import {
  DescribeAddressesCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  type IpPermission,
} from "@aws-sdk/client-ec2";
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetHealthCommand,
  DescribeTagsCommand as DescribeElbTagsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand as ListRdsTagsCommand,
} from "@aws-sdk/client-rds";
import {
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-route-53";
import { shopEnvironment } from "../../src/providers/aws/shop/shop-environment.js";
import { predictResourceCount } from "../../src/providers/aws/shop/shop-resources.js";
import type { ShopEnvironment, ShopSubnet } from "../../src/providers/aws/shop/shop-types.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { startMoto, type MotoServer } from "../harness/moto.js";

const sorted = (values: readonly (string | undefined)[]) => [...values].sort();
const bare = (name: string | undefined) => (name ?? "").replace(/\.$/, "");
const subnetIds = (subnets: readonly ShopSubnet[]) => sorted(subnets.map((s) => s.subnetId));

/** The (port, source) pairs a group admits, a source being a CIDR or a group id. */
function ingress(permissions: readonly IpPermission[] | undefined) {
  return sorted(
    (permissions ?? []).flatMap((p) => [
      ...(p.IpRanges ?? []).map((r) => `${p.FromPort}<-${r.CidrIp}`),
      ...(p.UserIdGroupPairs ?? []).map((g) => `${p.FromPort}<-${g.GroupId}`),
    ]),
  );
}

describe("shop fixture builder", () => {
  let moto: MotoServer;
  let clients: AwsClients;
  let shop: ShopEnvironment;
  before(async () => {
    moto = await startMoto();
    clients = awsClients(moto);
    // moto imports EC2 and builds the region on its first EC2 request; timed apart so the
    // builder's own cost is visible. Both numbers are printed, neither is asserted.
    const coldStart = performance.now();
    await clients.region("us-east-1").ec2.send(new DescribeAvailabilityZonesCommand({}));
    const cold = performance.now() - coldStart;
    const started = performance.now();
    shop = await shopEnvironment(clients).inRegion("us-east-1").named("shop").build();
    const elapsed = performance.now() - started;
    console.log(
      `moto first EC2 request: ${cold.toFixed(0)} ms; shop build (us-east-1): ` +
        `${elapsed.toFixed(0)} ms, ${shop.resourceCount} resources; sum ${(cold + elapsed).toFixed(0)} ms`,
    );
  });
  after(async () => {
    clients?.destroy();
    await moto?.stop();
  });
  const east = () => clients.region("us-east-1");

  test("describes what it built with defaults filled in", () => {
    assert.deepEqual([shop.name, shop.region, shop.resourceCount], ["shop", "us-east-1", 29]);
    assert.deepEqual(shop.options.zones, ["us-east-1a", "us-east-1b"]);
    assert.equal(shop.compute.webInstanceIds.length, 2);
  });

  test("VPC with one public and one private subnet per zone", async () => {
    const { ec2 } = east();
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [shop.network.vpcId] }));
    assert.equal(Vpcs?.[0]?.CidrBlock, "10.0.0.0/16");
    const { Subnets = [] } = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [shop.network.vpcId] }] }),
    );
    assert.equal(Subnets.length, 4);
    for (const zone of ["us-east-1a", "us-east-1b"]) {
      const inZone = Subnets.filter((s) => s.AvailabilityZone === zone);
      assert.equal(inZone.length, 2, `subnets in ${zone}`);
      assert.deepEqual(sorted(inZone.map((s) => String(s.MapPublicIpOnLaunch))), ["false", "true"]);
    }
  });

  test("internet gateway attached, NAT gateway with an elastic IP in a public subnet", async () => {
    const { ec2 } = east();
    const { InternetGateways } = await ec2.send(
      new DescribeInternetGatewaysCommand({
        Filters: [{ Name: "attachment.vpc-id", Values: [shop.network.vpcId] }],
      }),
    );
    assert.deepEqual(
      InternetGateways?.map((g) => g.InternetGatewayId),
      [shop.network.internetGatewayId],
    );
    const { NatGateways } = await ec2.send(
      new DescribeNatGatewaysCommand({ NatGatewayIds: [shop.network.natGatewayId] }),
    );
    const nat = NatGateways?.[0];
    assert.equal(nat?.State, "available");
    assert.equal(nat?.SubnetId, shop.network.publicSubnets[0]?.subnetId);
    assert.equal(nat?.NatGatewayAddresses?.[0]?.AllocationId, shop.network.natAllocationId);
  });

  test("public routes go to the internet gateway, private routes to the NAT", async () => {
    const { ec2 } = east();
    const { RouteTables = [] } = await ec2.send(
      new DescribeRouteTablesCommand({
        RouteTableIds: [shop.network.publicRouteTableId, shop.network.privateRouteTableId],
      }),
    );
    const table = (id: string) => RouteTables.find((t) => t.RouteTableId === id);
    const defaultRoute = (id: string) =>
      table(id)?.Routes?.find((r) => r.DestinationCidrBlock === "0.0.0.0/0");
    const associated = (id: string) =>
      sorted((table(id)?.Associations ?? []).map((a) => a.SubnetId));
    const { network } = shop;
    assert.equal(defaultRoute(network.publicRouteTableId)?.GatewayId, network.internetGatewayId);
    assert.equal(defaultRoute(network.privateRouteTableId)?.NatGatewayId, network.natGatewayId);
    assert.deepEqual(associated(network.publicRouteTableId), subnetIds(network.publicSubnets));
    assert.deepEqual(associated(network.privateRouteTableId), subnetIds(network.privateSubnets));
  });

  test("security groups reference each other tier by tier", async () => {
    const { ec2 } = east();
    const { security } = shop;
    const { SecurityGroups = [] } = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: "tag:app", Values: ["shop"] }] }),
    );
    assert.equal(SecurityGroups.length, 4);
    const rules = (id: string) =>
      ingress(SecurityGroups.find((g) => g.GroupId === id)?.IpPermissions);
    assert.deepEqual(rules(security.loadBalancerGroupId), ["443<-0.0.0.0/0", "80<-0.0.0.0/0"]);
    assert.deepEqual(
      rules(security.webGroupId),
      sorted([`8080<-${security.loadBalancerGroupId}`, `22<-${security.bastionGroupId}`]),
    );
    assert.deepEqual(rules(security.databaseGroupId), [`5432<-${security.webGroupId}`]);
    assert.deepEqual(rules(security.bastionGroupId), [`22<-${security.adminCidr}`]);
  });

  test("load balancer in the public subnets, listener forwards to the target group", async () => {
    const { elbv2 } = east();
    const { loadBalancer: lb, network } = shop;
    const { LoadBalancers } = await elbv2.send(
      new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb.arn] }),
    );
    const described = LoadBalancers?.[0];
    assert.equal(described?.Type, "application");
    assert.equal(described?.Scheme, "internet-facing");
    assert.deepEqual(described?.SecurityGroups, [shop.security.loadBalancerGroupId]);
    assert.deepEqual(
      sorted((described?.AvailabilityZones ?? []).map((z) => z.SubnetId)),
      subnetIds(network.publicSubnets),
    );
    const { Listeners } = await elbv2.send(
      new DescribeListenersCommand({ LoadBalancerArn: lb.arn }),
    );
    assert.equal(Listeners?.length, 1);
    assert.equal(Listeners?.[0]?.Port, 80);
    assert.deepEqual(
      Listeners?.[0]?.DefaultActions?.map((a) => [a.Type, a.TargetGroupArn]),
      [["forward", lb.targetGroupArn]],
    );
  });

  test("auto-scaling group in the private subnets, its instances registered as targets", async () => {
    const { autoscaling, elbv2, ec2 } = east();
    const { compute } = shop;
    const { AutoScalingGroups } = await autoscaling.send(
      new DescribeAutoScalingGroupsCommand({
        AutoScalingGroupNames: [compute.autoScalingGroupName],
      }),
    );
    const group = AutoScalingGroups?.[0];
    assert.equal(group?.DesiredCapacity, 2);
    assert.deepEqual(group?.TargetGroupARNs, [shop.loadBalancer.targetGroupArn]);
    assert.equal(group?.LaunchTemplate?.LaunchTemplateId, compute.launchTemplateId);
    assert.deepEqual(
      sorted((group?.VPCZoneIdentifier ?? "").split(",")),
      subnetIds(shop.network.privateSubnets),
    );
    const { TargetHealthDescriptions = [] } = await elbv2.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: shop.loadBalancer.targetGroupArn }),
    );
    assert.deepEqual(
      sorted(TargetHealthDescriptions.map((t) => t.Target?.Id)),
      sorted(compute.webInstanceIds),
    );
    assert.ok(TargetHealthDescriptions.every((t) => t.Target?.Port === 8080));
    const { Reservations = [] } = await ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [...compute.webInstanceIds] }),
    );
    const instances = Reservations.flatMap((r) => r.Instances ?? []);
    const privateIds = shop.network.privateSubnets.map((s) => s.subnetId);
    for (const instance of instances) {
      assert.equal(instance.ImageId, compute.imageId);
      assert.ok(privateIds.includes(instance.SubnetId ?? ""), `${instance.SubnetId} is private`);
      assert.deepEqual(
        instance.SecurityGroups?.map((g) => g.GroupId),
        [shop.security.webGroupId],
      );
    }
  });

  test("bastion in a public subnet with its elastic IP; the image is registered", async () => {
    const { ec2 } = east();
    const { compute } = shop;
    const { Reservations } = await ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [compute.bastionInstanceId] }),
    );
    const bastion = Reservations?.[0]?.Instances?.[0];
    assert.equal(bastion?.SubnetId, shop.network.publicSubnets[0]?.subnetId);
    const { Addresses } = await ec2.send(
      new DescribeAddressesCommand({ AllocationIds: [compute.bastionAllocationId] }),
    );
    assert.equal(Addresses?.[0]?.InstanceId, compute.bastionInstanceId);
    assert.equal(Addresses?.[0]?.PublicIp, compute.bastionPublicIp);
    const { Images } = await ec2.send(new DescribeImagesCommand({ Owners: ["self"] }));
    assert.deepEqual(
      Images?.map((i) => [i.ImageId, i.Name]),
      [[compute.imageId, compute.imageName]],
    );
  });

  test("PostgreSQL in the private DB subnet group behind the database group", async () => {
    const { rds } = east();
    const { DBInstances } = await rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: shop.database.identifier }),
    );
    const db = DBInstances?.[0];
    assert.equal(db?.Engine, "postgres");
    assert.equal(db?.DBSubnetGroup?.DBSubnetGroupName, shop.database.subnetGroupName);
    assert.equal(db?.DBSubnetGroup?.VpcId, shop.network.vpcId);
    assert.deepEqual(
      sorted((db?.DBSubnetGroup?.Subnets ?? []).map((s) => s.SubnetIdentifier)),
      subnetIds(shop.network.privateSubnets),
    );
    assert.deepEqual(
      db?.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId),
      [shop.security.databaseGroupId],
    );
    assert.equal(db?.Endpoint?.Address, shop.database.endpointAddress);
  });

  test("Route53: alias A to the load balancer and CNAME to the database", async () => {
    const { route53 } = east();
    const { ResourceRecordSets = [] } = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: shop.dns.hostedZoneId }),
    );
    const record = (name: string, type: string) =>
      ResourceRecordSets.find((r) => bare(r.Name) === name && r.Type === type);
    const alias = record(shop.dns.shopRecordName, "A")?.AliasTarget;
    assert.equal(bare(alias?.DNSName), shop.loadBalancer.dnsName);
    assert.equal(alias?.HostedZoneId, shop.loadBalancer.canonicalHostedZoneId);
    const cname = record(shop.dns.databaseRecordName, "CNAME");
    assert.deepEqual(
      cname?.ResourceRecords?.map((r) => r.Value),
      [shop.database.endpointAddress],
    );
  });

  test("lists every resource once, and every taggable one carries app=shop", async () => {
    const { ec2, elbv2, autoscaling, rds, route53 } = east();
    const ids = shop.resources.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(shop.resourceCount, predictResourceCount(shop.options));
    const isApp = (tags: readonly { Key?: string; Value?: string }[] | undefined) =>
      (tags ?? []).some((t) => t.Key === "app" && t.Value === "shop");
    const appFilter = [
      { Name: "key", Values: ["app"] },
      { Name: "value", Values: ["shop"] },
    ];
    const { Tags = [] } = await ec2.send(new DescribeTagsCommand({ Filters: appFilter }));
    const tagged = new Set(Tags.map((t) => t.ResourceId));
    const { loadBalancer: lb, database: db, compute } = shop;
    const elb = await elbv2.send(
      new DescribeElbTagsCommand({ ResourceArns: [lb.arn, lb.targetGroupArn, lb.listenerArn] }),
    );
    for (const d of elb.TagDescriptions ?? []) if (isApp(d.Tags)) tagged.add(d.ResourceArn);
    const { DBSubnetGroups } = await rds.send(
      new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: db.subnetGroupName }),
    );
    for (const [id, arn] of [
      [db.arn, db.arn],
      [db.subnetGroupName, DBSubnetGroups?.[0]?.DBSubnetGroupArn],
    ]) {
      const { TagList } = await rds.send(new ListRdsTagsCommand({ ResourceName: arn }));
      if (id && isApp(TagList)) tagged.add(id);
    }
    const zone = await route53.send(
      new ListTagsForResourceCommand({
        ResourceType: "hostedzone",
        ResourceId: shop.dns.hostedZoneId,
      }),
    );
    if (isApp(zone.ResourceTagSet?.Tags)) tagged.add(shop.dns.hostedZoneId);
    const { AutoScalingGroups } = await autoscaling.send(
      new DescribeAutoScalingGroupsCommand({
        AutoScalingGroupNames: [compute.autoScalingGroupName],
      }),
    );
    if (isApp(AutoScalingGroups?.[0]?.Tags)) tagged.add(compute.autoScalingGroupName);
    // Route53 records cannot carry tags.
    const untagged = shop.resources.filter((r) => r.kind !== "record" && !tagged.has(r.id));
    assert.deepEqual(untagged, []);
  });

  test("a second shop in us-west-2 on the same server does not interfere", async () => {
    const started = performance.now();
    const outlet = await shopEnvironment(clients)
      .inRegion("us-west-2")
      .named("outlet")
      .withVpcCidr("10.1.0.0/16")
      .withWebInstances(3)
      .build();
    console.log(`outlet build (us-west-2): ${(performance.now() - started).toFixed(0)} ms`);
    const west = clients.region("us-west-2");
    assert.deepEqual(outlet.options.zones, ["us-west-2a", "us-west-2b"]);
    assert.equal(outlet.resourceCount, 30);

    // Each region sees only its own shop.
    const vpcs = async (ec2: typeof west.ec2, app: string) => {
      const filter = { Name: "tag:app", Values: [app] };
      return (await ec2.send(new DescribeVpcsCommand({ Filters: [filter] }))).Vpcs?.length;
    };
    const seen = [vpcs(east().ec2, "shop"), vpcs(east().ec2, "outlet")];
    seen.push(vpcs(west.ec2, "shop"), vpcs(west.ec2, "outlet"));
    assert.deepEqual(await Promise.all(seen), [1, 0, 0, 1]);
    const { TargetHealthDescriptions: eastTargets = [] } = await east().elbv2.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: shop.loadBalancer.targetGroupArn }),
    );
    assert.equal(eastTargets.length, 2);
    const { TargetHealthDescriptions: westTargets = [] } = await west.elbv2.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: outlet.loadBalancer.targetGroupArn }),
    );
    assert.deepEqual(
      sorted(westTargets.map((t) => t.Target?.Id)),
      sorted(outlet.compute.webInstanceIds),
    );
    const { DBInstances = [] } = await west.rds.send(new DescribeDBInstancesCommand({}));
    assert.deepEqual(
      DBInstances.map((d) => d.DBInstanceIdentifier),
      ["outlet-db"],
    );

    // Route53 is global: both zones exist side by side, each with its own records.
    const { HostedZones = [] } = await west.route53.send(new ListHostedZonesByNameCommand({}));
    assert.deepEqual(sorted(HostedZones.map((z) => bare(z.Name))), [
      "outlet.example.com",
      "shop.example.com",
    ]);
    const { ResourceRecordSets = [] } = await west.route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: outlet.dns.hostedZoneId }),
    );
    const alias = ResourceRecordSets.find((r) => r.Type === "A")?.AliasTarget;
    assert.equal(bare(alias?.DNSName), outlet.loadBalancer.dnsName);
    assert.notEqual(outlet.loadBalancer.dnsName, shop.loadBalancer.dnsName);
  });

  test("withAtLeastResources pads with security groups and records", async () => {
    const builder = shopEnvironment(clients).inRegion("eu-west-1").named("big");
    const options = builder.withAtLeastResources(60).options();
    assert.equal(options.extraSecurityGroups + options.extraRecords, 60 - 29);
    const started = performance.now();
    const big = await builder.withAtLeastResources(60).build();
    console.log(`big build (eu-west-1): ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(big.resourceCount, 60);
    const { ec2, route53 } = clients.region("eu-west-1");
    const { SecurityGroups = [] } = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: "tag:app", Values: ["big"] }] }),
    );
    assert.equal(SecurityGroups.length, 4 + options.extraSecurityGroups);
    const filler = SecurityGroups.find((g) => g.GroupId === big.security.extraGroupIds[0]);
    assert.deepEqual(ingress(filler?.IpPermissions), [`9100<-${big.security.webGroupId}`]);
    const { ResourceRecordSets = [] } = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: big.dns.hostedZoneId }),
    );
    const cnames = ResourceRecordSets.filter((r) => r.Type === "CNAME").map((r) => bare(r.Name));
    assert.equal(cnames.length, 1 + options.extraRecords);
    assert.ok(big.dns.extraRecordNames.every((name) => cnames.includes(name)));
  });
});

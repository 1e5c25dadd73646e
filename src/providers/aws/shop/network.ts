import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import type { ShopNetwork, ShopOptions, ShopSubnet } from "./shop-types.js";
import { subnetCidrs } from "./subnet-cidrs.js";
import { required, tagSpec } from "./tags.js";

export async function createVpc(ec2: EC2Client, options: ShopOptions): Promise<string> {
  const { Vpc } = await ec2.send(
    new CreateVpcCommand({
      CidrBlock: options.vpcCidr,
      TagSpecifications: tagSpec("vpc", options.name, "vpc"),
    }),
  );
  const vpcId = required(Vpc?.VpcId, "VpcId");
  // Instances need DNS names for the bastion hop and RDS needs DNS support in its VPC.
  await ec2.send(
    new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }),
  );
  return vpcId;
}

/** Subnets in two zones, internet gateway, NAT gateway with an elastic IP, route tables. */
export async function buildNetwork(
  ec2: EC2Client,
  options: ShopOptions,
  vpcId: string,
): Promise<ShopNetwork> {
  const cidrs = subnetCidrs(options.vpcCidr);
  const subnet = async (tier: ShopSubnet["tier"], index: 0 | 1): Promise<ShopSubnet> => {
    const zone = options.zones[index];
    const cidr = cidrs[tier][index];
    const { Subnet } = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: cidr,
        AvailabilityZone: zone,
        TagSpecifications: tagSpec("subnet", options.name, `${tier}-${zone}`),
      }),
    );
    const subnetId = required(Subnet?.SubnetId, "SubnetId");
    if (tier === "public") {
      await ec2.send(
        new ModifySubnetAttributeCommand({
          SubnetId: subnetId,
          MapPublicIpOnLaunch: { Value: true },
        }),
      );
    }
    return { subnetId, zone, cidr, tier };
  };
  const [publicA, publicB, privateA, privateB, internetGatewayId, privateRouteTableId] =
    await Promise.all([
      subnet("public", 0),
      subnet("public", 1),
      subnet("private", 0),
      subnet("private", 1),
      attachInternetGateway(ec2, options, vpcId),
      createRouteTable(ec2, options, vpcId, "private"),
    ]);
  const publicSubnets = [publicA, publicB];
  const privateSubnets = [privateA, privateB];
  const [publicRouteTableId, nat] = await Promise.all([
    routeTableWith(ec2, options, vpcId, "public", { GatewayId: internetGatewayId }, publicSubnets),
    createNatGateway(ec2, options, publicA.subnetId),
  ]);
  await addRoutes(ec2, privateRouteTableId, { NatGatewayId: nat.natGatewayId }, privateSubnets);
  return {
    vpcId,
    cidr: options.vpcCidr,
    internetGatewayId,
    natGatewayId: nat.natGatewayId,
    natAllocationId: nat.allocationId,
    natPublicIp: nat.publicIp,
    publicSubnets,
    privateSubnets,
    publicRouteTableId,
    privateRouteTableId,
  };
}

async function attachInternetGateway(ec2: EC2Client, options: ShopOptions, vpcId: string) {
  const { InternetGateway } = await ec2.send(
    new CreateInternetGatewayCommand({
      TagSpecifications: tagSpec("internet-gateway", options.name, "igw"),
    }),
  );
  const id = required(InternetGateway?.InternetGatewayId, "InternetGatewayId");
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }));
  return id;
}

async function createNatGateway(ec2: EC2Client, options: ShopOptions, subnetId: string) {
  const address = await ec2.send(
    new AllocateAddressCommand({
      Domain: "vpc",
      TagSpecifications: tagSpec("elastic-ip", options.name, "nat-eip"),
    }),
  );
  const allocationId = required(address.AllocationId, "AllocationId");
  const { NatGateway } = await ec2.send(
    new CreateNatGatewayCommand({
      SubnetId: subnetId,
      AllocationId: allocationId,
      TagSpecifications: tagSpec("natgateway", options.name, "nat"),
    }),
  );
  return {
    natGatewayId: required(NatGateway?.NatGatewayId, "NatGatewayId"),
    allocationId,
    publicIp: required(address.PublicIp, "PublicIp"),
  };
}

async function createRouteTable(
  ec2: EC2Client,
  options: ShopOptions,
  vpcId: string,
  tier: ShopSubnet["tier"],
): Promise<string> {
  const { RouteTable } = await ec2.send(
    new CreateRouteTableCommand({
      VpcId: vpcId,
      TagSpecifications: tagSpec("route-table", options.name, `${tier}-rt`),
    }),
  );
  return required(RouteTable?.RouteTableId, "RouteTableId");
}

async function routeTableWith(
  ec2: EC2Client,
  options: ShopOptions,
  vpcId: string,
  tier: ShopSubnet["tier"],
  target: { GatewayId?: string; NatGatewayId?: string },
  subnets: readonly ShopSubnet[],
): Promise<string> {
  const id = await createRouteTable(ec2, options, vpcId, tier);
  await addRoutes(ec2, id, target, subnets);
  return id;
}

async function addRoutes(
  ec2: EC2Client,
  routeTableId: string,
  target: { GatewayId?: string; NatGatewayId?: string },
  subnets: readonly ShopSubnet[],
): Promise<void> {
  await Promise.all([
    ec2.send(
      new CreateRouteCommand({
        RouteTableId: routeTableId,
        DestinationCidrBlock: "0.0.0.0/0",
        ...target,
      }),
    ),
    ...subnets.map(({ subnetId }) =>
      ec2.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId })),
    ),
  ]);
}

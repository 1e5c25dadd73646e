import {
  AssociateVpcCidrBlockCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeInternetGatewaysCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  type EC2Client,
  type Tenancy,
} from "@aws-sdk/client-ec2";
import {
  deleting,
  identity,
  ownTags,
  required,
  send,
  tagFilters,
  tagSpec,
  type TargetSpec,
} from "./apply-env.js";
import { adopted, created, outputId, resourceOf, type ApplierTable } from "./applier.js";

interface NetworkProps {
  cidrBlock: string;
  additionalCidrBlocks?: string[];
  instanceTenancy?: string;
  enableDnsSupport?: boolean;
  enableDnsHostnames?: boolean;
}
interface SubnetProps {
  network: string;
  cidrBlock: string;
  mapPublicIpOnLaunch?: boolean;
}

/** Networks, subnets and internet gateways (created tagged; found again by the run's tags). */
export const networkAppliers: ApplierTable = {
  "create:network": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<NetworkProps>;
      const found = await send("ec2.DescribeVpcs", () =>
        ec2.send(new DescribeVpcsCommand({ Filters: tagFilters(identity(ctx, resourceOf(step))) })),
      );
      const existing = found.Vpcs?.[0]?.VpcId;
      const id =
        existing ??
        required(
          (
            await send("ec2.CreateVpc", () =>
              ec2.send(
                new CreateVpcCommand({
                  CidrBlock: spec.properties.cidrBlock,
                  InstanceTenancy: (spec.properties.instanceTenancy ?? "default") as Tenancy,
                  TagSpecifications: tagSpec("vpc", ownTags(ctx, resourceOf(step), spec)),
                }),
              ),
            )
          ).Vpc?.VpcId,
          "VpcId in the CreateVpc answer",
        );
      // Attributes and extra blocks are re-applied on adoption: an attempt may have died first.
      const blocks = new Set(
        (found.Vpcs?.[0]?.CidrBlockAssociationSet ?? []).map((b) => b.CidrBlock),
      );
      for (const block of spec.properties.additionalCidrBlocks ?? []) {
        if (blocks.has(block)) continue;
        await send("ec2.AssociateVpcCidrBlock", () =>
          ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: id, CidrBlock: block })),
        );
      }
      for (const [key, value] of [
        ["EnableDnsSupport", spec.properties.enableDnsSupport],
        ["EnableDnsHostnames", spec.properties.enableDnsHostnames],
      ] as const) {
        if (value === undefined) continue;
        await send("ec2.ModifyVpcAttribute", () =>
          ec2.send(new ModifyVpcAttributeCommand({ VpcId: id, [key]: { Value: value } })),
        );
      }
      return existing ? adopted({ id }) : created({ id });
    },
    async undo(step, outputs, ctx, { clients: { ec2 } }) {
      const id = outputId(outputs) ?? (await findVpc(ec2, ctx, resourceOf(step)));
      if (id === undefined) return "absent";
      return deleting("ec2.DeleteVpc", () => ec2.send(new DeleteVpcCommand({ VpcId: id })));
    },
  },

  "create:subnet": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<SubnetProps>;
      const found = await send("ec2.DescribeSubnets", () =>
        ec2.send(
          new DescribeSubnetsCommand({ Filters: tagFilters(identity(ctx, resourceOf(step))) }),
        ),
      );
      let id = found.Subnets?.[0]?.SubnetId;
      const existed = id !== undefined;
      if (id === undefined) {
        const made = await send("ec2.CreateSubnet", () =>
          ec2.send(
            new CreateSubnetCommand({
              VpcId: spec.properties.network,
              CidrBlock: spec.properties.cidrBlock,
              AvailabilityZone: spec.location.zone,
              TagSpecifications: tagSpec("subnet", ownTags(ctx, resourceOf(step), spec)),
            }),
          ),
        );
        id = required(made.Subnet?.SubnetId, "SubnetId in the CreateSubnet answer");
      }
      const subnetId = id;
      if (spec.properties.mapPublicIpOnLaunch) {
        await send("ec2.ModifySubnetAttribute", () =>
          ec2.send(
            new ModifySubnetAttributeCommand({
              SubnetId: subnetId,
              MapPublicIpOnLaunch: { Value: true },
            }),
          ),
        );
      }
      return existed ? adopted({ id }) : created({ id });
    },
    async undo(step, outputs, ctx, { clients: { ec2 } }) {
      let id = outputId(outputs);
      if (id === undefined) {
        const found = await send("ec2.DescribeSubnets", () =>
          ec2.send(
            new DescribeSubnetsCommand({ Filters: tagFilters(identity(ctx, resourceOf(step))) }),
          ),
        );
        id = found.Subnets?.[0]?.SubnetId;
      }
      if (id === undefined) return "absent";
      const subnetId = id;
      return deleting("ec2.DeleteSubnet", () =>
        ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId })),
      );
    },
  },

  "create:internet-gateway": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<{ networks: string[] }>;
      const found = await send("ec2.DescribeInternetGateways", () =>
        ec2.send(
          new DescribeInternetGatewaysCommand({
            Filters: tagFilters(identity(ctx, resourceOf(step))),
          }),
        ),
      );
      const existing = found.InternetGateways?.[0];
      const id =
        existing?.InternetGatewayId ??
        required(
          (
            await send("ec2.CreateInternetGateway", () =>
              ec2.send(
                new CreateInternetGatewayCommand({
                  TagSpecifications: tagSpec(
                    "internet-gateway",
                    ownTags(ctx, resourceOf(step), spec),
                  ),
                }),
              ),
            )
          ).InternetGateway?.InternetGatewayId,
          "InternetGatewayId in the answer",
        );
      const attached = new Set((existing?.Attachments ?? []).map((a) => a.VpcId));
      for (const network of spec.properties.networks) {
        if (attached.has(network)) continue;
        await send("ec2.AttachInternetGateway", () =>
          ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: network })),
        );
      }
      return existing ? adopted({ id }) : created({ id });
    },
    async undo(step, outputs, ctx, { clients: { ec2 } }) {
      const filters = outputId(outputs)
        ? [{ Name: "internet-gateway-id", Values: [outputId(outputs) ?? ""] }]
        : tagFilters(identity(ctx, resourceOf(step)));
      const found = await send("ec2.DescribeInternetGateways", () =>
        ec2.send(new DescribeInternetGatewaysCommand({ Filters: filters })),
      );
      const gateway = found.InternetGateways?.[0];
      const id = gateway?.InternetGatewayId;
      if (id === undefined) return "absent";
      for (const a of gateway?.Attachments ?? []) {
        await deleting("ec2.DetachInternetGateway", () =>
          ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: a.VpcId })),
        );
      }
      return deleting("ec2.DeleteInternetGateway", () =>
        ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id })),
      );
    },
  },
};

async function findVpc(
  ec2: EC2Client,
  ctx: { runId: string },
  resource: string,
): Promise<string | undefined> {
  const found = await send("ec2.DescribeVpcs", () =>
    ec2.send(new DescribeVpcsCommand({ Filters: tagFilters(identity(ctx, resource)) })),
  );
  return found.Vpcs?.[0]?.VpcId;
}

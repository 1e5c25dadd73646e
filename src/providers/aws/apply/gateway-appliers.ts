import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateNatGatewayCommand,
  DeleteNatGatewayCommand,
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  DisassociateAddressCommand,
  ReleaseAddressCommand,
  type ConnectivityType,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import {
  clientToken,
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
import { deleteLeftoverInterfaces } from "./machine-appliers.js";
import { pollUntil } from "./poll-until.js";

interface NatProps {
  subnet: string;
  connectivity?: string;
  addresses: { address?: string; privateIp?: string }[];
}

const live = { Name: "state", Values: ["pending", "available"] };

/** NAT gateways (client token + tags; wait until available) and elastic IPs. */
export const gatewayAppliers: ApplierTable = {
  "create:nat-gateway": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<NatProps>;
      const existing = await findNat(ec2, [...tagFilters(identity(ctx, resourceOf(step))), live]);
      if (existing) return adopted({ id: existing });
      // The private IP is the source's: in the target the subnet chooses one.
      const allocation = spec.properties.addresses.find((a) => a.address)?.address;
      const made = await send("ec2.CreateNatGateway", () =>
        ec2.send(
          new CreateNatGatewayCommand({
            SubnetId: spec.properties.subnet,
            ConnectivityType: (spec.properties.connectivity ?? "public") as ConnectivityType,
            ...(allocation === undefined ? {} : { AllocationId: allocation }),
            ClientToken: clientToken(ctx.idempotencyKey),
            TagSpecifications: tagSpec("natgateway", ownTags(ctx, resourceOf(step), spec)),
          }),
        ),
      );
      return created({ id: required(made.NatGateway?.NatGatewayId, "NatGatewayId") });
    },
    async undo(step, outputs, ctx, { clients: { ec2 } }) {
      const id =
        outputId(outputs) ??
        (await findNat(ec2, [...tagFilters(identity(ctx, resourceOf(step))), live]));
      if (id === undefined) return "absent";
      const nat = await natOf(ec2, id);
      const state = nat?.State;
      if (state === undefined || state === "deleted") return "absent";
      if (state !== "deleting") {
        await deleting("ec2.DeleteNatGateway", () =>
          ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id })),
        );
      }
      // Its address can be released only once it is gone.
      await pollUntil(step, ctx, `NAT gateway ${id} deleted`, async () => {
        const now = await natState(ec2, id);
        return now === undefined || now === "deleted" ? "done" : "pending";
      });
      const interfaces = (nat?.NatGatewayAddresses ?? []).flatMap(
        (a) => a.NetworkInterfaceId ?? [],
      );
      await deleteLeftoverInterfaces(ec2, interfaces, ctx.logger);
      return "deleted";
    },
  },

  "wait:nat-gateway": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const id = required((ctx.input as { resource?: string }).resource, "resource");
      await pollUntil(step, ctx, `NAT gateway ${id} available`, async () => {
        const state = await natState(ec2, id);
        if (state === "available") return "done";
        return state === "pending" ? "pending" : { failed: state ?? "missing" };
      });
      return { outputs: { id, state: "available" } };
    },
  },

  "create:address": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<{ domain?: string }>;
      const existing = await findAddress(ec2, tagFilters(identity(ctx, resourceOf(step))));
      if (existing?.AllocationId) {
        return adopted({ id: existing.AllocationId, publicIp: existing.PublicIp ?? null });
      }
      const made = await send("ec2.AllocateAddress", () =>
        ec2.send(
          new AllocateAddressCommand({
            Domain: "vpc",
            TagSpecifications: tagSpec("elastic-ip", ownTags(ctx, resourceOf(step), spec)),
          }),
        ),
      );
      return created({
        id: required(made.AllocationId, "AllocationId"),
        publicIp: made.PublicIp ?? null,
      });
    },
    async undo(step, outputs, ctx, { clients: { ec2 } }) {
      const id = outputId(outputs);
      const found = await findAddress(
        ec2,
        id
          ? [{ Name: "allocation-id", Values: [id] }]
          : tagFilters(identity(ctx, resourceOf(step))),
      );
      const allocation = found?.AllocationId;
      if (allocation === undefined) return "absent";
      if (found?.AssociationId) {
        await deleting("ec2.DisassociateAddress", () =>
          ec2.send(new DisassociateAddressCommand({ AssociationId: found.AssociationId })),
        );
      }
      return deleting("ec2.ReleaseAddress", () =>
        ec2.send(new ReleaseAddressCommand({ AllocationId: allocation })),
      );
    },
  },

  "configure:address": {
    async execute(_step, ctx, { clients: { ec2 } }) {
      const { address, association } = ctx.input as { address: string; association: string };
      const found = await findAddress(ec2, [{ Name: "allocation-id", Values: [address] }]);
      const current = found?.InstanceId ?? found?.NetworkInterfaceId;
      if (current === association) {
        return { outputs: { id: address, associationId: found?.AssociationId ?? null } };
      }
      const target = association.startsWith("eni-")
        ? { NetworkInterfaceId: association }
        : { InstanceId: association };
      const made = await send("ec2.AssociateAddress", () =>
        ec2.send(
          new AssociateAddressCommand({
            AllocationId: address,
            AllowReassociation: true,
            ...target,
          }),
        ),
      );
      return { outputs: { id: address, associationId: made.AssociationId ?? null } };
    },
    async undo(step, _outputs, ctx, { clients: { ec2 } }) {
      const found = await findAddress(ec2, tagFilters(identity(ctx, resourceOf(step))));
      if (!found?.AssociationId) return "absent";
      return deleting("ec2.DisassociateAddress", () =>
        ec2.send(new DisassociateAddressCommand({ AssociationId: found.AssociationId })),
      );
    },
  },
};

async function findNat(ec2: EC2Client, filters: { Name: string; Values: string[] }[]) {
  const found = await send("ec2.DescribeNatGateways", () =>
    ec2.send(new DescribeNatGatewaysCommand({ Filter: filters })),
  );
  return found.NatGateways?.[0]?.NatGatewayId;
}

async function natState(ec2: EC2Client, id: string): Promise<string | undefined> {
  return (await natOf(ec2, id))?.State;
}

async function natOf(ec2: EC2Client, id: string) {
  try {
    const found = await send("ec2.DescribeNatGateways", () =>
      ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] })),
    );
    return found.NatGateways?.[0];
  } catch (error) {
    if ((error as { code?: string }).code === "LB_PROVIDER_NOT_FOUND") return undefined;
    throw error;
  }
}

async function findAddress(ec2: EC2Client, filters: { Name: string; Values: string[] }[]) {
  try {
    const found = await send("ec2.DescribeAddresses", () =>
      ec2.send(new DescribeAddressesCommand({ Filters: filters })),
    );
    return found.Addresses?.[0];
  } catch (error) {
    if ((error as { code?: string }).code === "LB_PROVIDER_NOT_FOUND") return undefined;
    throw error;
  }
}

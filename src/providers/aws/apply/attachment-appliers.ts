import {
  AttachNetworkInterfaceCommand,
  AttachVolumeCommand,
  CreateNetworkInterfaceCommand,
  CreateVolumeCommand,
  DeleteNetworkInterfaceCommand,
  DeleteVolumeCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVolumesCommand,
  DetachNetworkInterfaceCommand,
  DetachVolumeCommand,
  type EC2Client,
  type VolumeType,
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
import { findInstance, tagAdopted } from "./machine-appliers.js";

interface VolumeProps {
  size: number;
  volumeType: string;
  iops?: number;
  throughput?: number;
  encrypted?: boolean;
  snapshot?: unknown;
  attachments: { machine: string; device: string }[];
}
interface InterfaceProps {
  subnet: string;
  groups: string[];
  description?: string;
  privateIps: { address: string; primary: boolean }[];
  attachment?: { machine: string; deviceIndex: number };
}

/**
 * Volumes and network interfaces: a machine's root volume and primary interface are adopted
 * (found on the instance, then tagged with the run); others are created tagged and attached by
 * a `configure` step (already attached ⇒ nothing to do).
 */
export const attachmentAppliers: ApplierTable = {
  "adopt:volume": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<VolumeProps>;
      const on = required(spec.properties.attachments[0], "attachment of the root volume");
      const instance = await findInstance(ec2, [{ Name: "instance-id", Values: [on.machine] }]);
      const mappings = instance?.BlockDeviceMappings ?? [];
      const root =
        mappings.find((m) => m.DeviceName === on.device) ??
        mappings.find((m) => m.DeviceName === instance?.RootDeviceName);
      const id = required(root?.Ebs?.VolumeId, `volume at ${on.device} of ${on.machine}`);
      await tagAdopted(ec2, id, ownTags(ctx, resourceOf(step), spec));
      return adopted({ id });
    },
  },

  "adopt:network-interface": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<InterfaceProps>;
      const on = required(spec.properties.attachment, "attachment of the primary interface");
      const instance = await findInstance(ec2, [{ Name: "instance-id", Values: [on.machine] }]);
      const eni = (instance?.NetworkInterfaces ?? []).find(
        (n) => (n.Attachment?.DeviceIndex ?? 0) === on.deviceIndex,
      );
      const id = required(eni?.NetworkInterfaceId, `interface ${on.deviceIndex} of ${on.machine}`);
      await tagAdopted(ec2, id, ownTags(ctx, resourceOf(step), spec));
      return adopted({ id });
    },
  },

  "create:volume": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<VolumeProps>;
      const existing = await findVolume(ec2, tagFilters(identity(ctx, resourceOf(step))));
      if (existing) return adopted({ id: existing });
      const p = spec.properties;
      const made = await send("ec2.CreateVolume", () =>
        ec2.send(
          new CreateVolumeCommand({
            AvailabilityZone: required(spec.location.zone, "zone of the volume"),
            Size: p.size,
            VolumeType: p.volumeType as VolumeType,
            ...(p.iops === undefined ? {} : { Iops: p.iops }),
            ...(p.throughput === undefined ? {} : { Throughput: p.throughput }),
            ...(p.encrypted ? { Encrypted: true } : {}),
            ...(typeof p.snapshot === "string" ? { SnapshotId: p.snapshot } : {}),
            ClientToken: clientToken(ctx.idempotencyKey),
            TagSpecifications: tagSpec("volume", ownTags(ctx, resourceOf(step), spec)),
          }),
        ),
      );
      return created({ id: required(made.VolumeId, "VolumeId") });
    },
    async undo(step, outputs, ctx, { clients: { ec2 } }) {
      const id =
        outputId(outputs) ?? (await findVolume(ec2, tagFilters(identity(ctx, resourceOf(step)))));
      if (id === undefined) return "absent";
      return deleting("ec2.DeleteVolume", () =>
        ec2.send(new DeleteVolumeCommand({ VolumeId: id })),
      );
    },
  },

  "configure:volume": {
    async execute(_step, ctx, { clients: { ec2 } }) {
      const { volume, attachments } = ctx.input as {
        volume: string;
        attachments: { machine: string; device: string }[];
      };
      const found = await send("ec2.DescribeVolumes", () =>
        ec2.send(new DescribeVolumesCommand({ VolumeIds: [volume] })),
      );
      const have = new Set((found.Volumes?.[0]?.Attachments ?? []).map((a) => a.InstanceId));
      for (const a of attachments) {
        if (have.has(a.machine)) continue;
        await send("ec2.AttachVolume", () =>
          ec2.send(
            new AttachVolumeCommand({ VolumeId: volume, InstanceId: a.machine, Device: a.device }),
          ),
        );
      }
      return { outputs: { id: volume } };
    },
    async undo(step, _outputs, ctx, { clients: { ec2 } }) {
      const id = await findVolume(ec2, tagFilters(identity(ctx, resourceOf(step))));
      if (id === undefined) return "absent";
      const found = await send("ec2.DescribeVolumes", () =>
        ec2.send(new DescribeVolumesCommand({ VolumeIds: [id] })),
      );
      const attached = (found.Volumes?.[0]?.Attachments ?? []).filter(
        (a) => a.State === "attached" || a.State === "attaching",
      );
      if (attached.length === 0) return "absent";
      for (const a of attached) {
        await deleting("ec2.DetachVolume", () =>
          ec2.send(
            new DetachVolumeCommand({ VolumeId: id, InstanceId: a.InstanceId, Device: a.Device }),
          ),
        );
      }
      return "deleted";
    },
  },

  "create:network-interface": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<InterfaceProps>;
      const existing = await findInterface(ec2, tagFilters(identity(ctx, resourceOf(step))));
      if (existing?.NetworkInterfaceId) return adopted({ id: existing.NetworkInterfaceId });
      const p = spec.properties;
      const made = await send("ec2.CreateNetworkInterface", () =>
        ec2.send(
          new CreateNetworkInterfaceCommand({
            SubnetId: p.subnet,
            Groups: p.groups,
            ...(p.description ? { Description: p.description } : {}),
            ...(p.privateIps.length === 0
              ? {}
              : {
                  PrivateIpAddresses: p.privateIps.map((ip) => ({
                    PrivateIpAddress: ip.address,
                    Primary: ip.primary,
                  })),
                }),
            ClientToken: clientToken(ctx.idempotencyKey),
            TagSpecifications: tagSpec("network-interface", ownTags(ctx, resourceOf(step), spec)),
          }),
        ),
      );
      return created({
        id: required(made.NetworkInterface?.NetworkInterfaceId, "NetworkInterfaceId"),
      });
    },
    async undo(step, outputs, ctx, { clients: { ec2 } }) {
      const id =
        outputId(outputs) ??
        (await findInterface(ec2, tagFilters(identity(ctx, resourceOf(step)))))?.NetworkInterfaceId;
      if (id === undefined) return "absent";
      return deleting("ec2.DeleteNetworkInterface", () =>
        ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id })),
      );
    },
  },

  "configure:network-interface": {
    async execute(_step, ctx, { clients: { ec2 } }) {
      const { networkInterface, attachment } = ctx.input as {
        networkInterface: string;
        attachment: { machine: string; deviceIndex: number } | null;
      };
      const found = await findInterface(ec2, [
        { Name: "network-interface-id", Values: [networkInterface] },
      ]);
      if (attachment && found?.Attachment?.InstanceId !== attachment.machine) {
        await send("ec2.AttachNetworkInterface", () =>
          ec2.send(
            new AttachNetworkInterfaceCommand({
              NetworkInterfaceId: networkInterface,
              InstanceId: attachment.machine,
              DeviceIndex: attachment.deviceIndex,
            }),
          ),
        );
      }
      return { outputs: { id: networkInterface } };
    },
    async undo(step, _outputs, ctx, { clients: { ec2 } }) {
      const eni = await findInterface(ec2, tagFilters(identity(ctx, resourceOf(step))));
      const attachment = eni?.Attachment?.AttachmentId;
      if (attachment === undefined) return "absent";
      return deleting("ec2.DetachNetworkInterface", () =>
        ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachment })),
      );
    },
  },
};

async function findVolume(ec2: EC2Client, filters: { Name: string; Values: string[] }[]) {
  const found = await send("ec2.DescribeVolumes", () =>
    ec2.send(new DescribeVolumesCommand({ Filters: filters })),
  );
  return found.Volumes?.[0]?.VolumeId;
}

async function findInterface(ec2: EC2Client, filters: { Name: string; Values: string[] }[]) {
  const found = await send("ec2.DescribeNetworkInterfaces", () =>
    ec2.send(new DescribeNetworkInterfacesCommand({ Filters: filters })),
  );
  return found.NetworkInterfaces?.[0];
}

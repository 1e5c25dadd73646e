import {
  CreateTagsCommand,
  DeleteNetworkInterfaceCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
  type Instance,
  type RunInstancesCommandInput,
} from "@aws-sdk/client-ec2";
import type { StepContext } from "../../../execute/step-handler.js";
import { asLifeboatError } from "../../../model/errors.js";
import type { Logger } from "../../../model/logger.js";
import {
  clientToken,
  deleting,
  identity,
  ownTags,
  required,
  send,
  tagFilters,
  tagList,
  type InstanceType,
  type TargetSpec,
} from "./apply-env.js";
import { adopted, created, outputId, resourceOf, type ApplierTable } from "./applier.js";
import { pollUntil } from "./poll-until.js";

interface MachineProps {
  instanceType: string;
  image: string;
  subnet?: string;
  groups: string[];
  privateIps: string[];
  keyPair?: unknown;
  instanceProfile?: unknown;
  userData?: string;
  ebsOptimized?: boolean;
  monitoring?: boolean;
  metadataOptions?: Record<string, unknown>;
}

const notGone = {
  Name: "instance-state-name",
  Values: ["pending", "running", "stopping", "stopped"],
};

/**
 * Machines: RunInstances with a client token and the run's tags on the instance and its
 * volumes; found again by tags (or token). The root volume and primary interface it makes are
 * adopted by their own steps. Undo terminates, waits, then deletes kept volumes of this run.
 */
export const machineAppliers: ApplierTable = {
  "create:machine": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<MachineProps>;
      // Tags are applied atomically by RunInstances; the client token covers the rest on AWS
      // (a repeated call returns the first instance). moto answers a `client-token` filter
      // with HTTP 500, so the token is not searched for.
      const existing = await findInstance(ec2, [
        ...tagFilters(identity(ctx, resourceOf(step))),
        notGone,
      ]);
      if (existing?.InstanceId) return adopted(machineOutputs(existing));
      const made = await send("ec2.RunInstances", () =>
        ec2.send(new RunInstancesCommand(runInput(spec, ctx, resourceOf(step)))),
      );
      const instance = required(made.Instances?.[0], "instance in the RunInstances answer");
      return created(machineOutputs(instance));
    },
    async undo(step, outputs, ctx, { clients: { ec2 } }) {
      const id = outputId(outputs);
      const instance = id
        ? await findInstance(ec2, [{ Name: "instance-id", Values: [id] }, notGone])
        : await findInstance(ec2, [...tagFilters(identity(ctx, resourceOf(step))), notGone]);
      const instanceId = instance?.InstanceId;
      if (instanceId === undefined) return "absent";
      const kept = (instance?.BlockDeviceMappings ?? [])
        .filter((m) => m.Ebs?.DeleteOnTermination === false)
        .flatMap((m) => m.Ebs?.VolumeId ?? []);
      const interfaces = (instance?.NetworkInterfaces ?? []).flatMap(
        (n) => n.NetworkInterfaceId ?? [],
      );
      await send("ec2.TerminateInstances", () =>
        ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] })),
      );
      await pollUntil(step, ctx, `instance ${instanceId} terminated`, async () => {
        const now = await findInstance(ec2, [{ Name: "instance-id", Values: [instanceId] }]);
        return now?.State?.Name === "terminated" || now === undefined ? "done" : "pending";
      });
      for (const volume of kept) {
        await deleting("ec2.DeleteVolume", () =>
          ec2.send(new DeleteVolumeCommand({ VolumeId: volume })),
        );
      }
      await deleteLeftoverInterfaces(ec2, interfaces, ctx.logger);
      return "deleted";
    },
  },

  "wait:machine": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const id = required((ctx.input as { resource?: string }).resource, "resource");
      await pollUntil(step, ctx, `instance ${id} running`, async () => {
        const state = (await findInstance(ec2, [{ Name: "instance-id", Values: [id] }]))?.State
          ?.Name;
        if (state === "running") return "done";
        return state === "pending" ? "pending" : { failed: state ?? "missing" };
      });
      return { outputs: { id, state: "running" } };
    },
  },
};

function runInput(
  spec: TargetSpec<MachineProps>,
  ctx: StepContext,
  resource: string,
): RunInstancesCommandInput {
  const p = spec.properties;
  const tags = ownTags(ctx, resource, spec);
  const [primary, ...secondary] = p.privateIps;
  // Secondary addresses need the interface form; then subnet and groups move into it.
  const network =
    secondary.length > 0
      ? {
          NetworkInterfaces: [
            {
              DeviceIndex: 0,
              SubnetId: p.subnet,
              Groups: p.groups,
              PrivateIpAddresses: p.privateIps.map((ip, i) => ({
                PrivateIpAddress: ip,
                Primary: i === 0,
              })),
            },
          ],
        }
      : {
          SubnetId: p.subnet,
          SecurityGroupIds: p.groups,
          ...(primary === undefined ? {} : { PrivateIpAddress: primary }),
        };
  return {
    ImageId: p.image,
    InstanceType: p.instanceType as InstanceType,
    MinCount: 1,
    MaxCount: 1,
    ClientToken: clientToken(ctx.idempotencyKey),
    ...network,
    ...(typeof p.keyPair === "string" ? { KeyName: p.keyPair } : {}),
    ...(typeof p.instanceProfile === "string"
      ? { IamInstanceProfile: { Name: p.instanceProfile } }
      : {}),
    ...(p.userData === undefined ? {} : { UserData: p.userData }),
    ...(p.ebsOptimized === undefined ? {} : { EbsOptimized: p.ebsOptimized }),
    ...(p.monitoring === undefined ? {} : { Monitoring: { Enabled: p.monitoring } }),
    ...(p.metadataOptions === undefined ? {} : { MetadataOptions: p.metadataOptions }),
    ...(spec.location.zone === undefined
      ? {}
      : { Placement: { AvailabilityZone: spec.location.zone } }),
    TagSpecifications: [
      { ResourceType: "instance", Tags: tagList(tags) },
      { ResourceType: "volume", Tags: tagList(tags) },
    ],
  };
}

function machineOutputs(i: Instance) {
  return {
    id: required(i.InstanceId, "InstanceId"),
    privateIp: i.PrivateIpAddress ?? null,
    zone: i.Placement?.AvailabilityZone ?? null,
  };
}

export async function findInstance(
  ec2: EC2Client,
  filters: { Name: string; Values: string[] }[],
): Promise<Instance | undefined> {
  const found = await send("ec2.DescribeInstances", () =>
    ec2.send(new DescribeInstancesCommand({ Filters: filters })),
  );
  return found.Reservations?.flatMap((r) => r.Instances ?? [])[0];
}

/**
 * Deletes interfaces that AWS removes by itself (a terminated machine's primary interface, a
 * deleted NAT gateway's) but moto keeps. On AWS they are gone (not found → nothing to do);
 * anything else is logged and left, since these are AWS-managed.
 */
export async function deleteLeftoverInterfaces(
  ec2: EC2Client,
  ids: readonly string[],
  logger: Logger,
): Promise<void> {
  for (const id of ids) {
    try {
      await deleting("ec2.DeleteNetworkInterface", () =>
        ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id })),
      );
    } catch (error) {
      logger.log("warn", "aws.apply.interface-left", { id, code: asLifeboatError(error).code });
    }
  }
}

/** Tags something a machine made implicitly, so that teardown by the run tag finds it. */
export async function tagAdopted(
  ec2: EC2Client,
  id: string,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  await send("ec2.CreateTags", () =>
    ec2.send(new CreateTagsCommand({ Resources: [id], Tags: tagList(tags) })),
  );
}

import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
} from "@aws-sdk/client-ec2";
import { LifeboatError } from "../../model/errors.js";
import type { VolumeSwap } from "../volume-swap.js";
import { call } from "./aws-calls.js";
import type { AwsConnection } from "./aws-connection.js";

const gone = new Set(["deleting", "deleted"]);

/** {@link VolumeSwap} on EC2 (DescribeInstances/DescribeVolumes, CreateTags, DetachVolume). */
export function awsVolumeSwap(connection: AwsConnection): VolumeSwap {
  const { ec2 } = connection.clients;
  const volume = async (volumeId: string) =>
    (
      await call("ec2.DescribeVolumes", () =>
        ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] })),
      )
    ).Volumes?.[0];
  return {
    async attachedAt(machineId, device) {
      const found = await call("ec2.DescribeInstances", () =>
        ec2.send(
          new DescribeInstancesCommand({
            Filters: [{ Name: "instance-id", Values: [machineId] }],
          }),
        ),
      );
      const machine = found.Reservations?.flatMap((r) => r.Instances ?? [])[0];
      const state = machine?.State?.Name;
      if (!machine || state === "terminated" || state === "shutting-down") {
        return { machine: "absent" };
      }
      const mapping = machine.BlockDeviceMappings?.find((m) => m.DeviceName === device);
      const volumeId = mapping?.Ebs?.VolumeId;
      return volumeId === undefined ? { machine: "present" } : { machine: "present", volumeId };
    },

    async volumeTagged(key, value) {
      const found = await call("ec2.DescribeVolumes", () =>
        ec2.send(
          new DescribeVolumesCommand({ Filters: [{ Name: `tag:${key}`, Values: [value] }] }),
        ),
      );
      return found.Volumes?.find((v) => !gone.has(v.State ?? ""))?.VolumeId;
    },

    async tagVolume(volumeId, tags) {
      await call("ec2.CreateTags", () =>
        ec2.send(
          new CreateTagsCommand({
            Resources: [volumeId],
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        ),
      );
    },

    async detach(volumeId, machineId, device) {
      const now = await volume(volumeId);
      if (now?.Attachments?.some((a) => a.InstanceId === machineId)) {
        // moto answers 500 to a detach that does not name the instance and device.
        await call("ec2.DetachVolume", () =>
          ec2.send(
            new DetachVolumeCommand({ VolumeId: volumeId, InstanceId: machineId, Device: device }),
          ),
        );
      }
      for (let round = 0; ; round++) {
        const state = (await volume(volumeId))?.State;
        if (state === "available") return;
        if (round > 60) {
          throw new LifeboatError("LB_TIMEOUT", `${volumeId} was not detached from ${machineId}`, {
            retryable: true,
            details: { volumeId, machineId, device },
          });
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** round)));
      }
    },
  };
}

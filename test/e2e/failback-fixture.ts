/**
 * The world of the failback data tests and the pre-staged drill: the shop on moto with a 1 GiB
 * data volume attached to the bastion at /dev/sdf in us-east-1, a workspace whose config
 * `config` completes (given the volume's id), one capture; plus readers of what a failback
 * leaves.
 */
import { createHash } from "node:crypto";
import { AttachVolumeCommand, CreateVolumeCommand } from "@aws-sdk/client-ec2";
import { ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { snapshotBlocks } from "../integration/volume-step-fixture.js";
import type { ConfigBuilder } from "./config-builder.js";
import { recoverWorld, source, type RecoverWorld, type ReportJson } from "./recover-fixture.js";

export const device = "/dev/sdf";

export async function failbackWorld(
  config: (c: ConfigBuilder, dataVolume: string) => ConfigBuilder,
): Promise<{ world: RecoverWorld; dataVolume: string }> {
  let dataVolume = "";
  const world = await recoverWorld({
    beforeCapture: async (clients, shop) => {
      const { ec2 } = clients.region(source);
      const made = await ec2.send(
        new CreateVolumeCommand({
          AvailabilityZone: `${source}a`,
          Size: 1,
          VolumeType: "gp3",
          TagSpecifications: [
            {
              ResourceType: "volume",
              Tags: [
                { Key: "app", Value: "shop" },
                { Key: "Name", Value: "shop-data" },
              ],
            },
          ],
        }),
      );
      dataVolume = made.VolumeId!;
      await ec2.send(
        new AttachVolumeCommand({
          VolumeId: dataVolume,
          InstanceId: shop.compute.bastionInstanceId,
          Device: device,
        }),
      );
    },
    config: (c) => config(c, dataVolume),
  });
  return { world, dataVolume };
}

/** A snapshot's bytes as a plain EBS client reads them (holes as zeros), `size` long. */
export async function snapshotBytes(
  world: RecoverWorld,
  snapshotId: string,
  size: number,
  region = source,
): Promise<Buffer> {
  const { ebs } = world.clients.region(region);
  return (await snapshotBlocks(ebs, snapshotId, size)).subarray(0, size);
}

/** Where the shop's alias record leads now. */
export async function shopAlias(world: RecoverWorld): Promise<string | undefined> {
  const { dns } = world.shop;
  const sets = await world.clients
    .region(source)
    .route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: dns.hostedZoneId }));
  const name = `${dns.shopRecordName.replace(/\.$/, "")}.`;
  return sets.ResourceRecordSets?.find((s) => s.Name === name && s.Type === "A")?.AliasTarget
    ?.DNSName;
}

export const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** `failback --json` / `resume --json` of a failback run (docs/cli-json.md). */
export interface FailbackJson {
  ok: boolean;
  failoverRunId: string;
  copyTeardown: { runId: string; phase: string } | null;
  environmentStatus: string;
  protectionEnabled: boolean;
  copyCapture: { version: number; label: string; counts: Record<string, number> } | null;
  dataSync: {
    stepId: string;
    phase: string;
    finalDelta: string;
    outputs: Record<string, unknown> | null;
  }[];
  report: ReportJson["report"];
}

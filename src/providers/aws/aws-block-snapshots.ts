import { createHash } from "node:crypto";
import {
  CompleteSnapshotCommand,
  GetSnapshotBlockCommand,
  ListChangedBlocksCommand,
  ListSnapshotBlocksCommand,
  PutSnapshotBlockCommand,
  StartSnapshotCommand,
} from "@aws-sdk/client-ebs";
import {
  AttachVolumeCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DetachVolumeCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  type VolumeType,
} from "@aws-sdk/client-ec2";
import { LifeboatError } from "../../model/errors.js";
import type {
  BlockRef,
  BlockSnapshotStore,
  CreateVolumeFromSnapshot,
  StartBlockSnapshot,
} from "../block-snapshots.js";
import { call } from "./aws-calls.js";
import type { AwsConnection } from "./aws-connection.js";

/** The tag holding the idempotency key of the hydration that made a snapshot or volume. */
export const hydrateKeyTag = "lifeboat:hydrate-key";
const finishedTag = "lifeboat:hydrated";

const tagList = (tags: Readonly<Record<string, string>>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("base64");

interface BlockPage {
  readonly BlockSize?: number | undefined;
  readonly NextToken?: string | undefined;
  readonly blocks: readonly { index?: number | undefined; token?: string | undefined }[];
}

/** Collects every page of a block listing, ascending by index. */
async function pagedBlocks(
  fetch: (token: string | undefined) => Promise<BlockPage>,
): Promise<{ blockSize: number; blocks: BlockRef[] }> {
  const blocks: BlockRef[] = [];
  let blockSize = 0;
  let token: string | undefined;
  do {
    const page = await fetch(token);
    blockSize = Number(page.BlockSize ?? blockSize);
    // moto sends BlockIndex as a JSON string; Number() accepts both.
    for (const b of page.blocks) blocks.push({ index: Number(b.index), token: b.token ?? "" });
    token = page.NextToken || undefined;
  } while (token !== undefined);
  blocks.sort((a, b) => a.index - b.index);
  return { blockSize, blocks };
}

/**
 * {@link BlockSnapshotStore} on the EBS direct APIs (StartSnapshot, PutSnapshotBlock,
 * CompleteSnapshot, ListSnapshotBlocks, GetSnapshotBlock) plus EC2 for tags, volumes and
 * attachment. moto differences handled here (docs/hydration.md): `BlockIndex` comes back as a
 * string, `BlockSize` is 512, ListSnapshotBlocks has no pagination, checksums are not checked
 * on the server side (we still check them on read).
 */
export function awsBlockSnapshots(connection: AwsConnection): BlockSnapshotStore {
  const { ebs, ec2 } = connection.clients;
  return {
    async start(request: StartBlockSnapshot) {
      const started = await call("ebs.StartSnapshot", () =>
        ebs.send(
          new StartSnapshotCommand({
            VolumeSize: request.sizeGiB,
            Description: request.description,
            Tags: tagList({ ...request.tags, [hydrateKeyTag]: request.key }),
            Timeout: 60,
            ...(request.parentSnapshotId ? { ParentSnapshotId: request.parentSnapshotId } : {}),
          }),
        ),
      );
      if (!started.SnapshotId || !started.BlockSize) {
        throw new LifeboatError("LB_PROVIDER_REQUEST_FAILED", "StartSnapshot returned no id");
      }
      return { snapshotId: started.SnapshotId, blockSize: Number(started.BlockSize) };
    },

    async putBlock(snapshotId, index, data) {
      const checksum = sha256(data);
      const put = await call("ebs.PutSnapshotBlock", () =>
        ebs.send(
          new PutSnapshotBlockCommand({
            SnapshotId: snapshotId,
            BlockIndex: index,
            BlockData: data,
            DataLength: data.length,
            Checksum: checksum,
            ChecksumAlgorithm: "SHA256",
          }),
        ),
      );
      if (put.Checksum !== undefined && put.Checksum !== checksum) {
        throw new LifeboatError(
          "LB_PROVIDER_REQUEST_FAILED",
          `block ${index} of ${snapshotId}: the provider stored a different checksum`,
          { retryable: true, details: { snapshotId, index } },
        );
      }
    },

    async complete(snapshotId, changedBlocks) {
      const done = await call("ebs.CompleteSnapshot", () =>
        ebs.send(
          new CompleteSnapshotCommand({
            SnapshotId: snapshotId,
            ChangedBlocksCount: changedBlocks,
          }),
        ),
      );
      if (done.Status === "error") {
        throw new LifeboatError("LB_PROVIDER_REQUEST_FAILED", `${snapshotId} completed in error`);
      }
      // AWS completes asynchronously; a volume can be made only from a `completed` snapshot.
      for (let round = 0; ; round++) {
        const found = await call("ec2.DescribeSnapshots", () =>
          ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] })),
        );
        const state = found.Snapshots?.[0]?.State;
        if (state === "completed") return;
        if (state === "error") {
          throw new LifeboatError("LB_PROVIDER_REQUEST_FAILED", `${snapshotId} is in error`);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(15_000, 500 * 2 ** round)));
      }
    },

    listBlocks: (snapshotId) =>
      pagedBlocks(async (token) => {
        const page = await call("ebs.ListSnapshotBlocks", () =>
          ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: snapshotId, NextToken: token })),
        );
        const blocks = (page.Blocks ?? []).map((b) => ({
          index: b.BlockIndex,
          token: b.BlockToken,
        }));
        return { ...page, blocks };
      }),

    listChangedBlocks: (first, second) =>
      pagedBlocks(async (token) => {
        const page = await call("ebs.ListChangedBlocks", () =>
          ebs.send(
            new ListChangedBlocksCommand({
              FirstSnapshotId: first,
              SecondSnapshotId: second,
              NextToken: token,
            }),
          ),
        );
        // A block deleted in `second` has no second token: it reads as zeros there.
        const blocks = (page.ChangedBlocks ?? []).map((b) => ({
          index: b.BlockIndex,
          token: b.SecondBlockToken,
        }));
        return { ...page, blocks };
      }),

    async getBlock(snapshotId, block) {
      const got = await call("ebs.GetSnapshotBlock", () =>
        ebs.send(
          new GetSnapshotBlockCommand({
            SnapshotId: snapshotId,
            BlockIndex: block.index,
            BlockToken: block.token,
          }),
        ),
      );
      const data = (await got.BlockData?.transformToByteArray()) ?? new Uint8Array();
      if (got.Checksum !== undefined && got.Checksum !== sha256(data)) {
        throw new LifeboatError(
          "LB_PROVIDER_REQUEST_FAILED",
          `block ${block.index} of ${snapshotId} arrived damaged (checksum mismatch)`,
          { retryable: true, details: { snapshotId, index: block.index } },
        );
      }
      return data;
    },

    async findSnapshot(key) {
      const found = await call("ec2.DescribeSnapshots", () =>
        ec2.send(
          new DescribeSnapshotsCommand({
            OwnerIds: ["self"],
            Filters: [{ Name: `tag:${hydrateKeyTag}`, Values: [key] }],
          }),
        ),
      );
      const snapshot = found.Snapshots?.find((s) => s.SnapshotId);
      if (!snapshot?.SnapshotId) return undefined;
      const finished = (snapshot.Tags ?? []).some((t) => t.Key === finishedTag);
      return { snapshotId: snapshot.SnapshotId, finished };
    },

    async markFinished(snapshotId) {
      await call("ec2.CreateTags", () =>
        ec2.send(
          new CreateTagsCommand({
            Resources: [snapshotId],
            Tags: [{ Key: finishedTag, Value: "true" }],
          }),
        ),
      );
    },

    async deleteSnapshot(snapshotId) {
      await call("ec2.DeleteSnapshot", () =>
        ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })),
      );
    },

    async snapshotExists(snapshotId) {
      // A filter, not SnapshotIds: an unknown id is then an empty answer, not an error.
      const found = await call("ec2.DescribeSnapshots", () =>
        ec2.send(
          new DescribeSnapshotsCommand({
            OwnerIds: ["self"],
            Filters: [{ Name: "snapshot-id", Values: [snapshotId] }],
          }),
        ),
      );
      return (found.Snapshots ?? []).some(
        (s) => s.SnapshotId === snapshotId && s.State === "completed",
      );
    },

    async createVolume(request: CreateVolumeFromSnapshot) {
      const found = await call("ec2.DescribeVolumes", () =>
        ec2.send(
          new DescribeVolumesCommand({
            Filters: [{ Name: `tag:${hydrateKeyTag}`, Values: [request.key] }],
          }),
        ),
      );
      const existing = found.Volumes?.find((v) => v.State !== "deleting" && v.State !== "deleted");
      if (existing?.VolumeId) return { volumeId: existing.VolumeId, adopted: true };
      const made = await call("ec2.CreateVolume", () =>
        ec2.send(
          new CreateVolumeCommand({
            SnapshotId: request.snapshotId,
            AvailabilityZone: request.zone,
            ...(request.volumeType ? { VolumeType: request.volumeType as VolumeType } : {}),
            TagSpecifications: [
              {
                ResourceType: "volume",
                Tags: tagList({ ...request.tags, [hydrateKeyTag]: request.key }),
              },
            ],
          }),
        ),
      );
      if (!made.VolumeId) {
        throw new LifeboatError("LB_PROVIDER_REQUEST_FAILED", "CreateVolume returned no id");
      }
      return { volumeId: made.VolumeId, adopted: false };
    },

    async deleteVolume(key) {
      const found = await call("ec2.DescribeVolumes", () =>
        ec2.send(
          new DescribeVolumesCommand({
            Filters: [{ Name: `tag:${hydrateKeyTag}`, Values: [key] }],
          }),
        ),
      );
      const volume = found.Volumes?.find((v) => v.State !== "deleting" && v.State !== "deleted");
      if (!volume?.VolumeId) return "absent";
      const id = volume.VolumeId;
      for (const a of volume.Attachments ?? []) {
        // moto answers 500 to a detach that does not name the instance and device.
        await call("ec2.DetachVolume", () =>
          ec2.send(
            new DetachVolumeCommand({ VolumeId: id, InstanceId: a.InstanceId, Device: a.Device }),
          ),
        );
        for (let round = 0; round < 60; round++) {
          const now = await call("ec2.DescribeVolumes", () =>
            ec2.send(new DescribeVolumesCommand({ VolumeIds: [id] })),
          );
          if (now.Volumes?.[0]?.State === "available") break;
          await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** round)));
        }
      }
      await call("ec2.DeleteVolume", () => ec2.send(new DeleteVolumeCommand({ VolumeId: id })));
      return "deleted";
    },

    async attachVolume(volumeId, machineId, device) {
      for (let round = 0; ; round++) {
        const found = await call("ec2.DescribeVolumes", () =>
          ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] })),
        );
        const volume = found.Volumes?.[0];
        if (volume?.Attachments?.some((a) => a.InstanceId === machineId)) return;
        if (volume?.State === "available") break;
        if (round > 60) {
          throw new LifeboatError("LB_TIMEOUT", `${volumeId} did not become available`, {
            retryable: true,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** round)));
      }
      await call("ec2.AttachVolume", () =>
        ec2.send(
          new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: machineId, Device: device }),
        ),
      );
    },
  };
}

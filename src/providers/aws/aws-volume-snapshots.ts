import {
  CreateSnapshotCommand,
  DescribeSnapshotsCommand,
  type Snapshot,
} from "@aws-sdk/client-ec2";
import { LifeboatError } from "../../model/errors.js";
import { call } from "./aws-calls.js";
import type { AwsConnection } from "./aws-connection.js";

/** The tag naming the volume a CBT snapshot belongs to (docs/protect.md, "CBT"). */
export const cbtVolumeTag = "lifeboat:cbt-volume";

const GiB = 1024 ** 3;

export interface VolumeSnapshot {
  readonly snapshotId: string;
  readonly at: Date;
  readonly sizeBytes: number;
}

function described(s: Snapshot | undefined, volumeId: string): VolumeSnapshot {
  if (!s?.SnapshotId || s.VolumeSize === undefined) {
    throw new LifeboatError(
      "LB_PROVIDER_REQUEST_FAILED",
      `a snapshot of ${volumeId} has no id or size`,
    );
  }
  return {
    snapshotId: s.SnapshotId,
    at: s.StartTime ?? new Date(),
    sizeBytes: s.VolumeSize * GiB,
  };
}

/**
 * Where a CBT volume's points come from (the agent's `cbt` binding):
 * - `create`: an EC2 CreateSnapshot of the volume per cycle (tagged with {@link cbtVolumeTag}),
 *   awaited until `completed` — the crash-consistent instant of the point;
 * - `tagged`: the newest completed snapshot tagged `lifeboat:cbt-volume=<volume>` that another
 *   tool made (a DLM/AWS Backup policy, or a writer of the EBS direct APIs). None yet is
 *   `LB_PROVIDER_NOT_FOUND`; the agent reports it and retries at the next cycle.
 */
export function awsVolumeSnapshots(
  connection: AwsConnection,
  volumeId: string,
  how: "create" | "tagged",
): () => Promise<VolumeSnapshot> {
  const { ec2 } = connection.clients;
  const describe = (filters: { Name: string; Values: string[] }[]) =>
    call("ec2.DescribeSnapshots", () =>
      ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: filters })),
    );
  if (how === "tagged") {
    return async () => {
      const found = await describe([
        { Name: `tag:${cbtVolumeTag}`, Values: [volumeId] },
        { Name: "status", Values: ["completed"] },
      ]);
      const newest = (found.Snapshots ?? [])
        .filter((s) => s.SnapshotId)
        .sort((a, b) => (b.StartTime?.getTime() ?? 0) - (a.StartTime?.getTime() ?? 0))[0];
      if (newest === undefined) {
        throw new LifeboatError(
          "LB_PROVIDER_NOT_FOUND",
          `no completed snapshot is tagged ${cbtVolumeTag}=${volumeId}`,
          {
            remedy: `Tag the volume's snapshots ${cbtVolumeTag}=${volumeId}, or set snapshots: create.`,
          },
        );
      }
      return described(newest, volumeId);
    };
  }
  return async () => {
    const made = await call("ec2.CreateSnapshot", () =>
      ec2.send(
        new CreateSnapshotCommand({
          VolumeId: volumeId,
          Description: `lifeboat cbt ${volumeId}`,
          TagSpecifications: [
            { ResourceType: "snapshot", Tags: [{ Key: cbtVolumeTag, Value: volumeId }] },
          ],
        }),
      ),
    );
    if (!made.SnapshotId) {
      throw new LifeboatError("LB_PROVIDER_REQUEST_FAILED", "CreateSnapshot returned no id");
    }
    for (let round = 0; ; round++) {
      const found = await describe([{ Name: "snapshot-id", Values: [made.SnapshotId] }]);
      const snapshot = found.Snapshots?.[0];
      if (snapshot?.State === "completed") return described(snapshot, volumeId);
      if (snapshot?.State === "error") {
        throw new LifeboatError("LB_PROVIDER_REQUEST_FAILED", `${made.SnapshotId} is in error`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(15_000, 500 * 2 ** round)));
    }
  };
}

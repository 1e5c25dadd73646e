/**
 * The failback's `sync-back` step against moto (docs/recovery.md, "Data sync-back"): a recovery
 * point in a real repository is hydrated into us-east-1, made into a volume and swapped onto a
 * machine at the device its old volume held; run again it adopts and changes nothing. Nothing
 * newer than the failover's point → nothing made. A machine that is gone → the volume is made
 * and left unattached with a note. The old volume is never deleted.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import {
  AttachVolumeCommand,
  CreateVolumeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  EC2Client,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import type { JournalNote } from "../../src/execute/step-handler.js";
import type { RecoveryPoint } from "../../src/model/recovery-point.js";
import { awsBlockSnapshots } from "../../src/providers/aws/aws-block-snapshots.js";
import { awsVolumeSwap } from "../../src/providers/aws/aws-volume-swap.js";
import { syncBackStepHandler } from "../../src/recover/sync-back-step.js";
import { ImageReader } from "../../src/repository/archiver/api.js";
import { motoClientConfig } from "../harness/moto.js";
import {
  launchMachines,
  pointFixture,
  stepContext,
  volumeStep,
  type PointFixture,
} from "./volume-step-fixture.js";

const region = "us-east-1";
let fx: PointFixture;
let ec2: EC2Client;
let written: string;

const hydrated = "0".repeat(64);
const failoverAt = new Date(Date.now() - 3_600_000);

before(async () => {
  fx = await pointFixture(
    "sync-back",
    region,
    Buffer.concat([randomBytes(3000), Buffer.alloc(8192)]),
  );
  written = fx.point;
  ec2 = new EC2Client(motoClientConfig(fx.moto, region));
});

after(async () => {
  ec2?.destroy();
  await fx?.close();
});

const point = (snapshotId: string, at: Date): RecoveryPoint => ({
  id: snapshotId.slice(0, 8),
  environment: "shop",
  source: "vol-data",
  kind: "volume",
  method: "scan",
  at,
  createdAt: at,
  snapshotId,
  sizeBytes: 11192,
  changedBytes: 0,
  groupId: null,
  meta: {},
});

function handler(points: RecoveryPoint[]) {
  return syncBackStepHandler({
    blocks: () => awsBlockSnapshots(fx.connection),
    swap: () => awsVolumeSwap(fx.connection),
    openPoint: async (id) => ImageReader.open(fx.repo, await fx.repo.loadSnapshot(id)),
    points: async () => points,
  });
}

const context = (key: string, input: unknown, notes: JournalNote[]) =>
  stepContext("run-failback-test", key, input, notes);

const step = (input: unknown) => volumeStep("sync-back", "volume:vol-data", input);

/** A running machine with a 1 GiB volume at /dev/sdf. */
async function machineWithVolume(): Promise<{ machine: string; volume: string }> {
  const [machine] = await launchMachines(ec2, `${region}a`);
  const made = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: `${region}a`, Size: 1 }));
  await ec2.send(
    new AttachVolumeCommand({ VolumeId: made.VolumeId!, InstanceId: machine!, Device: "/dev/sdf" }),
  );
  return { machine: machine!, volume: made.VolumeId! };
}

const inputFor = (machine: string | null) => ({
  connection: "east",
  volume: "vol-data",
  copyVolume: "vol-copy",
  hydratedPoint: hydrated,
  after: failoverAt.toISOString(),
  name: "shop-data",
  zone: `${region}a`,
  volumeType: "gp3",
  machine,
  device: machine === null ? null : "/dev/sdf",
  tags: { app: "shop" },
});

async function deviceVolume(machine: string): Promise<string | undefined> {
  const found = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [machine] }));
  const mappings = found.Reservations?.[0]?.Instances?.[0]?.BlockDeviceMappings ?? [];
  return mappings.find((m) => m.DeviceName === "/dev/sdf")?.Ebs?.VolumeId;
}

test("sync-back swaps the newer point's volume in, keeps the old one; a rerun adopts", async () => {
  const { machine, volume: old } = await machineWithVolume();
  const points = [point(written, new Date()), point(hydrated, new Date(Date.now() - 7_200_000))];
  const notes: JournalNote[] = [];
  const first = await handler(points).execute(
    step(inputFor(machine)),
    context("run-1/swap", inputFor(machine), notes),
  );
  const out = first.outputs as { id: string; synced: boolean; previousVolume: string };
  assert.equal(first.resolution, "created");
  assert.equal(out.synced, true);
  assert.equal(out.previousVolume, old);
  assert.equal(await deviceVolume(machine), out.id);
  assert.deepEqual(
    notes.map((n) => n.type),
    ["sync-back.written", "sync-back.verified", "sync-back.swapped"],
  );
  const kept = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [old] }))).Volumes?.[0];
  assert.equal(kept?.State, "available");
  assert.equal(kept?.Tags?.find((t) => t.Key === "lifeboat:replaced-by")?.Value, out.id);

  // Run again (a resume after the step finished its work): same volume, no second swap.
  const again = await handler(points).execute(
    step(inputFor(machine)),
    context("run-1/swap", inputFor(machine), []),
  );
  assert.equal(again.resolution, "adopted");
  assert.equal((again.outputs as { id: string }).id, out.id);
  assert.equal((again.outputs as { previousVolume: string }).previousVolume, old);
  assert.equal((again.outputs as { hydrate: { reused: boolean } }).hydrate.reused, true);
  assert.equal(await deviceVolume(machine), out.id);
});

test("no point newer than the failover's: nothing made, the reason given", async () => {
  const before = (await ec2.send(new DescribeVolumesCommand({}))).Volumes?.length;
  const notes: JournalNote[] = [];
  const result = await handler([point(hydrated, new Date(Date.now() - 7_200_000))]).execute(
    step(inputFor(null)),
    context("run-2/none", inputFor(null), notes),
  );
  assert.equal((result.outputs as { synced: boolean }).synced, false);
  assert.match(String(result.outputs.reason), /nothing to carry back/);
  assert.deepEqual(
    notes.map((n) => n.type),
    ["sync-back.nothing"],
  );
  assert.equal((await ec2.send(new DescribeVolumesCommand({}))).Volumes?.length, before);
});

test("a machine that is gone: the volume is made and left unattached with a note", async () => {
  const { machine, volume: old } = await machineWithVolume();
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [machine] }));
  const result = await handler([point(written, new Date())]).execute(
    step(inputFor(machine)),
    context("run-3/gone", inputFor(machine), []),
  );
  const out = result.outputs as { id: string; attached: boolean; note: string };
  assert.equal(out.attached, false);
  assert.match(out.note, new RegExp(`${machine} no longer exists`));
  const made = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [out.id] }))).Volumes?.[0];
  assert.equal(made?.State, "available");
  assert.equal(made?.Tags?.find((t) => t.Key === "lifeboat:synced-from")?.Value, "vol-data");
  assert.ok((await ec2.send(new DescribeVolumesCommand({ VolumeIds: [old] }))).Volumes?.[0]);
});

/**
 * Pre-staged mode against moto's EBS direct APIs (docs/hydration.md): three scan cycles of an
 * image, each staged into a us-west-2 snapshot chain; the final staged snapshot reads back
 * (ListSnapshotBlocks + GetSnapshotBlock, plain SDK client) identical to the third point. moto
 * 5.2.1 ignores `ParentSnapshotId`, so the incremental attempt (only the changed blocks) is
 * detected and replaced by a full stage: both counts are asserted. A recovery's hydrate step
 * then makes the volume from the staged snapshot with no PutSnapshotBlock; a staging failure
 * leaves the point intact and is caught up by the next cycle.
 */
import { strict as assert } from "node:assert";
import { createHash, randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { DescribeVolumesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { storeStageLog } from "../../src/compose-prestage.js";
import type { JournalNote } from "../../src/execute/step-handler.js";
import { ManualClock, systemClock } from "../../src/model/clock.js";
import { runAgent } from "../../src/protect/agent.js";
import { stageNewest, type PrestageDeps } from "../../src/protect/prestage.js";
import { protectVolume } from "../../src/protect/protect-volume.js";
import { ScanSource } from "../../src/protect/scan-source.js";
import { awsBlockSnapshots } from "../../src/providers/aws/aws-block-snapshots.js";
import { AwsConnection } from "../../src/providers/aws/aws-connection.js";
import { hydrateStepHandler } from "../../src/recover/hydrate-step.js";
import { volumeDataFor } from "../../src/recover/volume-data.js";
import { ImageReader } from "../../src/repository/archiver/api.js";
import { listRecoveryPoints } from "../../src/store/recovery-points-repo.js";
import { listStagedSnapshots } from "../../src/store/staged-snapshots-repo.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import { KiB, protectFixture, type ProtectFixture } from "./protect-fixture.js";
import { launchMachines, readSnapshot, stepContext, volumeStep } from "./volume-step-fixture.js";

const region = "us-west-2";
let moto: MotoServer;
let fx: ProtectFixture;
let connection: AwsConnection;

before(async () => {
  moto = await startMoto();
  fx = await protectFixture();
  connection = new AwsConnection({ ...motoClientConfig(moto, region), maxConcurrency: 8 });
});

after(async () => {
  connection?.destroy();
  await fx?.close();
  await moto?.stop();
});

const stageDeps = (overrides: Partial<PrestageDeps> = {}): PrestageDeps => ({
  repo: fx.repo,
  points: fx.deps.points,
  log: storeStageLog(fx.store),
  store: awsBlockSnapshots(connection),
  environment: "shop",
  target: "west",
  region,
  clock: systemClock,
  ...overrides,
});

const puts = () => connection.stats().byOperation["ebs.PutSnapshotBlock"] ?? 0;

/** Non-zero 512-byte blocks of `bytes` (moto's block size). */
function nonZeroBlocks(bytes: Buffer, from = 0, to = bytes.length, size = 512): number {
  let n = 0;
  for (let at = from; at < to; at += size) {
    if (bytes.subarray(at, Math.min(at + size, to)).some((b) => b !== 0)) n++;
  }
  return n;
}

const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");
let stagedSnapshot: string;
let thirdPoint: { id: string; snapshotId: string };

test("prestage: three cycles stage a chain; the final snapshot reads back as the third point", async () => {
  // 192 KiB = three 64 KiB chunks: 16 KiB of data, a hole, 8 KiB of data at the end.
  const path = join(fx.dir, "vol-1.img");
  const image = Buffer.alloc(192 * KiB);
  randomBytes(16 * KiB).copy(image, 0);
  randomBytes(8 * KiB).copy(image, 184 * KiB);
  await writeFile(path, image);
  const clock = new ManualClock();
  const source = new ScanSource("vol-1", path, clock);
  const deps = stageDeps();

  const first = await protectVolume(fx.deps, source);
  const before1 = puts();
  const stage1 = await stageNewest(deps, "vol-1");
  assert.equal(stage1.staged?.mode, "full");
  assert.equal(stage1.staged?.pointId, first.point.id);
  assert.equal(stage1.staged?.blocksWritten, nonZeroBlocks(image), "zero blocks are skipped");
  assert.equal(puts() - before1, nonZeroBlocks(image));
  assert.equal((await stageNewest(deps, "vol-1")).upToDate, true, "a second call writes nothing");

  // Cycle 2: 4 KiB written into the hole (chunk 1), 1 KiB of data zeroed (chunk 0).
  randomBytes(4 * KiB).copy(image, 70 * KiB);
  image.fill(0, 2 * KiB, 3 * KiB);
  await writeFile(path, image);
  clock.advance(60_000);
  await protectVolume(fx.deps, source);
  const before2 = puts();
  const stage2 = await stageNewest(deps, "vol-1");
  // The incremental attempt put only the blocks that differ: the 8 written into the hole and
  // the 2 that became zeros (the parent holds them, so zeros must be written). moto ignored
  // the parent, so the point was then staged in full.
  const changed = 8 + 2;
  assert.deepEqual(stage2.ignoredParent, { blocksWritten: changed });
  assert.equal(stage2.staged?.mode, "full");
  assert.equal(puts() - before2, changed + nonZeroBlocks(image));

  // Cycle 3 (moto is now known to ignore parents: straight to a full stage).
  randomBytes(2 * KiB).copy(image, 130 * KiB);
  await writeFile(path, image);
  clock.advance(60_000);
  const third = await protectVolume(fx.deps, source);
  const stage3 = await stageNewest(deps, "vol-1");
  assert.equal(stage3.ignoredParent, null);
  assert.equal(stage3.staged?.pointId, third.point.id);
  const snapshotId = stage3.staged!.snapshotId;

  const staged = await readSnapshot(moto, region, snapshotId, image.length);
  assert.equal(sha(staged), sha(await readFile(path)));
  assert.equal(sha(staged), sha(image));
  const rows = await listStagedSnapshots(fx.store, "shop", { source: "vol-1", target: "west" });
  assert.deepEqual(
    rows.map((r) => r.pointId),
    (await listRecoveryPoints(fx.store, "shop", { source: "vol-1" })).map((p) => p.id),
    "every point of the chain is staged, newest first",
  );
  stagedSnapshot = snapshotId;
  thirdPoint = third.point;
});

const context = (key: string, input: unknown, notes: JournalNote[]) =>
  stepContext("run-prestage-test", key, input, notes);

test("prestage: a recovery makes the volume from the staged snapshot and writes no block", async () => {
  assert.ok(stagedSnapshot, "needs the chain of the first test");
  const inventory = {
    resources: [{ id: "volume:vol-1", kind: "volume" }],
  } as unknown as Parameters<typeof volumeDataFor>[1]["inventory"];
  const request = {
    environment: "shop",
    target: "west",
    inventory,
    point: undefined,
    explicit: {},
    hydrate: true,
  };
  const data = await volumeDataFor(fx.store, request);
  assert.deepEqual(data["volume:vol-1"], {
    snapshot: thirdPoint.snapshotId,
    staged: { snapshotId: stagedSnapshot, region },
  });
  assert.deepEqual(await volumeDataFor(fx.store, { ...request, hydrate: false }), {});
  assert.deepEqual(
    await volumeDataFor(fx.store, { ...request, target: "elsewhere" }),
    { "volume:vol-1": { snapshot: thirdPoint.snapshotId } },
    "a point staged in another target is hydrated",
  );

  const store = awsBlockSnapshots(connection);
  const handler = hydrateStepHandler({
    store,
    openPoint: async (id) => ImageReader.open(fx.repo, await fx.repo.loadSnapshot(id)),
  });
  const input = {
    name: "vol-1-dr",
    location: { region, zone: "us-west-2a" },
    tags: { "lifeboat:environment": "shop", "lifeboat:source-id": "volume:vol-1" },
    properties: { size: 1, volumeType: "gp3" },
    data: data["volume:vol-1"],
  };
  const step = volumeStep("hydrate", "volume:vol-1", input);
  const notes: JournalNote[] = [];
  const before = puts();
  const result = await handler.execute(step, context("run-prestage/1", input, notes));
  const out = result.outputs as { id: string; mode: string; snapshotId: string };
  assert.equal(out.mode, "prestaged");
  assert.equal(out.snapshotId, stagedSnapshot);
  assert.deepEqual(
    notes.map((n) => n.type),
    ["hydrate.prestaged"],
  );
  assert.equal(puts(), before, "no PutSnapshotBlock");

  const ec2 = new EC2Client(motoClientConfig(moto, region));
  try {
    const [machine] = await launchMachines(ec2, "us-west-2a");
    await store.attachVolume(out.id, machine!, "/dev/sdf");
    const volume = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [out.id] })))
      .Volumes![0]!;
    assert.equal(volume.SnapshotId, stagedSnapshot, "the attached volume is the staged snapshot");
    assert.equal(volume.Attachments?.[0]?.InstanceId, machine);
  } finally {
    ec2.destroy();
  }

  // Undo deletes the volume, never the staged snapshot (it belongs to the chain).
  assert.equal(
    await handler.undo!(step, result.outputs, context("run-prestage/1", input, [])),
    "deleted",
  );
  assert.equal(await store.snapshotExists(stagedSnapshot), true);

  // A staged snapshot in another region is not used: the point is hydrated.
  const elsewhere = {
    ...input,
    data: { ...input.data, staged: { snapshotId: stagedSnapshot, region: "eu-west-1" } },
  };
  const hydrated: JournalNote[] = [];
  const again = await handler.execute(step, context("run-prestage/2", elsewhere, hydrated));
  assert.equal((again.outputs as { mode: string }).mode, "hydrated");
  assert.deepEqual(
    hydrated.map((n) => n.type),
    ["hydrate.prestage-skipped", "hydrate.written", "hydrate.verified"],
  );
  await handler.undo!(step, again.outputs, context("run-prestage/2", elsewhere, []));
});

test("prestage: a failed stage keeps the point and the next cycle catches up", async () => {
  const path = join(fx.dir, "vol-2.img");
  const image = randomBytes(8 * KiB);
  await writeFile(path, image);
  const clock = new ManualClock();
  const volume = { id: "vol-2", everyMs: 60_000, source: new ScanSource("vol-2", path, clock) };
  // Nothing listens on port 1: every staging call fails at once.
  const dead = new AwsConnection({
    ...motoClientConfig(moto, region),
    endpoint: "http://127.0.0.1:1",
  });
  try {
    const down = await runAgent(
      {
        clock,
        openProtect: async () => fx.deps,
        heartbeat: async () => undefined,
        stage: async (v) =>
          (await stageNewest(stageDeps({ store: awsBlockSnapshots(dead) }), v.id)).staged?.pointAt,
      },
      [volume],
      { heartbeatMs: 1000, once: true },
    );
    assert.equal(down[0]!.cycles, 1, "the protection cycle succeeded");
    assert.equal(down[0]!.lastError, null);
    assert.equal(down[0]!.staging?.failures, 1);
    assert.match(down[0]!.staging?.lastError?.code ?? "", /^LB_/);
  } finally {
    dead.destroy();
  }
  const points = await listRecoveryPoints(fx.store, "shop", { source: "vol-2" });
  assert.equal(points.length, 1, "the point is recorded");
  assert.deepEqual(await listStagedSnapshots(fx.store, "shop", { source: "vol-2" }), []);

  // The disk changes; the next cycle stages its newest point (the missed one is skipped).
  randomBytes(KiB).copy(image, 2 * KiB);
  await writeFile(path, image);
  clock.advance(60_000);
  const up = await runAgent(
    {
      clock,
      openProtect: async () => fx.deps,
      heartbeat: async () => undefined,
      stage: async (v) => (await stageNewest(stageDeps(), v.id)).staged?.pointAt,
    },
    [volume],
    { heartbeatMs: 1000, once: true },
  );
  assert.equal(up[0]!.staging?.lastError, null);
  const newest = (await listRecoveryPoints(fx.store, "shop", { source: "vol-2" }))[0]!;
  assert.equal(up[0]!.staging?.lastStagedPointAt, newest.at.toISOString());
  const [staged] = await listStagedSnapshots(fx.store, "shop", { source: "vol-2" });
  assert.equal(staged?.pointId, newest.id);
  assert.equal(sha(await readSnapshot(moto, region, staged.snapshotId, image.length)), sha(image));
});

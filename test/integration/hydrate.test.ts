/**
 * Hydration at recovery against moto's EBS direct APIs: a recovery point (an image snapshot in
 * a real repository) is written into a us-west-2 block snapshot, read back and compared, made
 * into a volume and attached to a machine; the volume's snapshot is then read back through a
 * plain SDK client and compared byte for byte with the original image. Prints throughput.
 */
import { strict as assert } from "node:assert";
import { createHash, randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { DescribeVolumesCommand, EC2Client } from "@aws-sdk/client-ec2";
import type { JournalNote } from "../../src/execute/step-handler.js";
import type { LifeboatError } from "../../src/model/errors.js";
import { awsBlockSnapshots } from "../../src/providers/aws/aws-block-snapshots.js";
import type { AwsConnection } from "../../src/providers/aws/aws-connection.js";
import { hydrateStepHandler } from "../../src/recover/hydrate-step.js";
import { verifySnapshot } from "../../src/recover/hydrate-volume.js";
import { ImageReader } from "../../src/repository/archiver/api.js";
import type { Repository } from "../../src/repository/repository.js";
import { motoClientConfig } from "../harness/moto.js";
import {
  launchMachines,
  pointFixture,
  readSnapshot,
  stepContext,
  volumeStep,
  type PointFixture,
} from "./volume-step-fixture.js";

const region = "us-west-2";
let fx: PointFixture;
let repo: Repository;
let connection: AwsConnection;
let image: Buffer;
let point: string;

/** 48 KiB of data, a 64 KiB hole, more data, and a tail that is not a whole 512-byte block. */
function makeImage(): Buffer {
  const parts = [randomBytes(48 * 1024), Buffer.alloc(64 * 1024), randomBytes(20 * 1024)];
  const text = Buffer.from("lifeboat hydration ".repeat(700)); // 13,300 bytes, compressible
  return Buffer.concat([...parts, text]);
}

before(async () => {
  image = makeImage();
  fx = await pointFixture("hydrate", region, image);
  ({ repo, connection, point } = fx);
});

after(async () => {
  await fx?.close();
});

const context = (key: string, input: unknown, notes: JournalNote[]) =>
  stepContext("run-hydrate-test", key, input, notes);

const step = (input: unknown) => volumeStep("hydrate", "volume:vol-data", input);

const nonZeroBlocks = (bytes: Buffer, size: number) => {
  let n = 0;
  for (let at = 0; at < bytes.length; at += size) {
    if (bytes.subarray(at, at + size).some((b) => b !== 0)) n++;
  }
  return n;
};

test("hydrate: blocks written (zeros skipped), read back identical, volume made and attached", async () => {
  const store = awsBlockSnapshots(connection);
  const handler = hydrateStepHandler({
    store,
    openPoint: async (id) => ImageReader.open(repo, await repo.loadSnapshot(id)),
  });
  const input = {
    name: "data-dr",
    location: { region, zone: "us-west-2a" },
    tags: { "lifeboat:environment": "shop", "lifeboat:source-id": "volume:vol-data" },
    properties: { size: 1, volumeType: "gp3" },
    data: { snapshot: point },
  };
  const notes: JournalNote[] = [];
  const key = "run-hydrate-test/0123456789abcdef";
  const started = Date.now();
  const result = await handler.execute(step(input), context(key, input, notes));
  const seconds = (Date.now() - started) / 1000;
  const out = result.outputs as {
    id: string;
    snapshotId: string;
    hydrate: {
      blockSize: number;
      blocksWritten: number;
      zeroBlocksSkipped: number;
      seconds: number;
    };
    verify: { identical: boolean; sourceSha256: string; targetSha256: string; blocksRead: number };
  };
  assert.equal(result.resolution, "created");
  assert.equal(out.verify.identical, true);
  assert.equal(out.verify.sourceSha256, out.verify.targetSha256);
  const blockSize = out.hydrate.blockSize; // 512 on moto, 524288 on AWS
  assert.equal(out.hydrate.blocksWritten, nonZeroBlocks(image, blockSize));
  assert.equal(
    out.hydrate.zeroBlocksSkipped,
    Math.ceil(image.length / blockSize) - out.hydrate.blocksWritten,
  );
  assert.ok(out.hydrate.zeroBlocksSkipped >= (64 * 1024) / blockSize);
  assert.deepEqual(
    notes.map((n) => n.type),
    ["hydrate.written", "hydrate.verified"],
  );
  console.log(
    `hydrate into moto: ${(image.length / 1024).toFixed(0)} KiB image, ${out.hydrate.blocksWritten} blocks of ${blockSize} B written` +
      ` (${out.hydrate.zeroBlocksSkipped} zero blocks skipped) in ${out.hydrate.seconds.toFixed(2)} s` +
      ` = ${((out.hydrate.blocksWritten * blockSize) / 1024 / 1024 / out.hydrate.seconds).toFixed(2)} MiB/s;` +
      ` step with read-back verification ${seconds.toFixed(2)} s`,
  );

  // Attach (what the volume's configure step does in a plan) to a machine in the target.
  const ec2 = new EC2Client(motoClientConfig(fx.moto, region));
  try {
    const [machine] = await launchMachines(ec2, "us-west-2a");
    await store.attachVolume(out.id, machine!, "/dev/sdf");
    const volume = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [out.id] })))
      .Volumes![0]!;
    assert.equal(volume.SnapshotId, out.snapshotId);
    assert.equal(volume.Attachments?.[0]?.InstanceId, machine);
    assert.equal(volume.Tags?.find((t) => t.Key === "lifeboat:run")?.Value, "run-hydrate-test");
  } finally {
    ec2.destroy();
  }

  // The attached volume's snapshot, read back with a plain client, is the image byte for byte.
  const volumeBytes = await readSnapshot(fx.moto, region, out.snapshotId, image.length);
  const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");
  assert.equal(sha(volumeBytes), sha(image));

  // A retry of the step (same key) reuses the finished snapshot and adopts the volume.
  const again = await handler.execute(step(input), context(key, input, []));
  assert.equal(again.resolution, "adopted");
  assert.equal((again.outputs as { id: string }).id, out.id);
  assert.equal((again.outputs as { hydrate: { reused: boolean } }).hydrate.reused, true);

  // Verification is not a formality: a recovery point that differs in one byte is caught.
  const altered = Buffer.from(image);
  altered[100 * 1024] = 1; // inside the 64 KiB hole, so the target has no such block
  altered[5] = altered[5]! ^ 0xff;
  const differing = await verifySnapshot(
    { size: altered.length, read: async (o, l) => altered.subarray(o, o + l) },
    store,
    out.snapshotId,
  );
  assert.equal(differing.identical, false);
  assert.deepEqual(differing.mismatches, [0, Math.floor((100 * 1024) / blockSize)]);
  assert.notEqual(differing.sourceSha256, differing.targetSha256);

  // Teardown removes the volume and the snapshot.
  assert.equal(
    await handler.undo!(step(input), result.outputs, context(key, input, [])),
    "deleted",
  );
  assert.equal(await store.findSnapshot(key), undefined);
  assert.equal(await handler.undo!(step(input), result.outputs, context(key, input, [])), "absent");
});

test("hydrate refuses an input without a repository snapshot id", async () => {
  const handler = hydrateStepHandler({
    store: awsBlockSnapshots(connection),
    openPoint: async () => assert.fail("must not open anything"),
  });
  const input = { name: "x", location: { region, zone: "us-west-2a" }, properties: {}, data: {} };
  await assert.rejects(
    async () => handler.execute(step(input), context("k2", input, [])),
    (error: LifeboatError) => error.code === "LB_INVALID_INPUT",
  );
});

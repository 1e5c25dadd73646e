/**
 * The CBT change source against moto's EBS direct APIs. moto keeps real bytes only for
 * snapshots written through the direct APIs (StartSnapshot/PutSnapshotBlock), so the test
 * writes the volume's "provider snapshots" itself; EC2 CreateSnapshot of a live volume has no
 * blocks on moto and is not exercised (docs/protect.md, "CBT").
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { awsBlockSnapshots } from "../../src/providers/aws/aws-block-snapshots.js";
import { AwsConnection } from "../../src/providers/aws/aws-connection.js";
import type { BlockSnapshotStore } from "../../src/providers/block-snapshots.js";
import { CbtSource, cbtSnapshotOf, type ProviderSnapshot } from "../../src/protect/cbt-source.js";
import { protectVolume } from "../../src/protect/protect-volume.js";
import { ImageReader, resolveSnapshot } from "../../src/repository/archiver/api.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import { MiB, protectFixture, type ProtectFixture } from "./protect-fixture.js";

const GiB = 1024 * MiB;
let moto: MotoServer;
let connection: AwsConnection;
let store: BlockSnapshotStore;
let fx: ProtectFixture;

before(async () => {
  moto = await startMoto();
  connection = new AwsConnection({ ...motoClientConfig(moto, "us-east-1"), maxConcurrency: 8 });
  store = awsBlockSnapshots(connection);
  fx = await protectFixture();
});
after(async () => {
  connection?.destroy();
  await moto?.stop();
  await fx?.close();
});

/** Writes a 1 GiB provider snapshot holding `blocks` (index → data); the rest reads as zeros. */
async function writeSnapshot(blocks: Map<number, Buffer>, key: string): Promise<ProviderSnapshot> {
  const { snapshotId } = await store.start({ sizeGiB: 1, description: key, key, tags: {} });
  for (const [index, data] of blocks) await store.putBlock(snapshotId, index, data);
  await store.complete(snapshotId, blocks.size);
  return { snapshotId, at: new Date(), sizeBytes: GiB };
}

async function assertPointHolds(
  snapshotId: string,
  blocks: Map<number, Buffer>,
  blockSize: number,
) {
  const reader = await ImageReader.open(fx.repo, await resolveSnapshot(fx.repo, snapshotId));
  assert.equal(reader.size, GiB);
  const window = 16 * MiB;
  for (let offset = 0; offset < GiB; offset += window) {
    const want = Buffer.alloc(window);
    for (const [index, data] of blocks) {
      const at = index * blockSize - offset;
      if (at >= 0 && at < window) data.copy(want, at);
    }
    assert.ok(want.equals(await reader.read(offset, window)), `bytes at ${offset}`);
  }
}

test("cbt: the first point fetches every written block; the next only the 100 changed ones", async () => {
  const { blockSize } = await store.start({
    sizeGiB: 1,
    description: "probe",
    key: "probe",
    tags: {},
  });
  const count = GiB / blockSize;
  const first = new Map<number, Buffer>();
  while (first.size < 300) first.set(Math.floor(Math.random() * count), randomBytes(blockSize));
  const second = new Map(first);
  const changed = new Set<number>();
  for (const index of [...first.keys()].slice(0, 50)) changed.add(index); // overwritten
  while (changed.size < 100) changed.add(Math.floor(Math.random() * count)); // new, scattered
  for (const index of changed) second.set(index, randomBytes(blockSize));

  const snapshots = [await writeSnapshot(first, "cbt-1"), await writeSnapshot(second, "cbt-2")];
  const source = new CbtSource({
    volume: "vol-cbt",
    blocks: store,
    snapshot: async () => snapshots.shift()!,
  });
  const full = await protectVolume(fx.deps, source);
  assert.equal(full.full, true);
  assert.equal(full.sourceBytesRead, first.size * blockSize, "every written block, once");
  assert.ok(cbtSnapshotOf(full.point.meta), "the point remembers its provider snapshot");
  await assertPointHolds(full.point.snapshotId, first, blockSize);

  const incremental = await protectVolume(fx.deps, source);
  assert.equal(incremental.full, false);
  assert.equal(incremental.point.method, "cbt");
  assert.equal(incremental.sourceBytesRead, changed.size * blockSize, "only the changed blocks");
  assert.equal(incremental.point.changedBytes, changed.size * blockSize);
  await assertPointHolds(incremental.point.snapshotId, second, blockSize);
});

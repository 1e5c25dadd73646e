/** Scan protection: full first cycle, incrementals that store only changed chunks, restore equality. */
import { strict as assert } from "node:assert";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ManualClock } from "../../src/model/clock.js";
import { protectVolume } from "../../src/protect/protect-volume.js";
import { ScanSource } from "../../src/protect/scan-source.js";
import { listRecoveryPoints } from "../../src/store/recovery-points-repo.js";
import {
  KiB,
  MiB,
  makeImage,
  pointBytes,
  protectFixture,
  scatterWrites,
  type ProtectFixture,
} from "./protect-fixture.js";

let fx: ProtectFixture;
before(async () => (fx = await protectFixture()));
after(() => fx.close());

test("scan: the first cycle is full, the next reads everything but stores only changed chunks", async () => {
  const size = 16 * MiB;
  const image = join(fx.dir, "disk.img");
  await makeImage(image, size);
  const clock = new ManualClock();
  const source = new ScanSource("vol-1", image, clock);

  const first = await protectVolume(fx.deps, source);
  assert.equal(first.full, true);
  assert.equal(first.point.method, "scan");
  assert.equal(first.point.sizeBytes, size);
  assert.deepEqual(await pointBytes(fx.repo, first.point), await readFile(image));

  clock.advance(60_000);
  const unchanged = await protectVolume(fx.deps, source);
  assert.equal(unchanged.full, false);
  assert.equal(unchanged.point.changedBytes, 0);
  assert.equal(unchanged.sourceBytesRead, size, "a scan reads the whole image");
  assert.equal(unchanged.backup.blobsStored, 0);

  const offsets = await scatterWrites(image, size, 5);
  const chunks = new Set(offsets.map((o) => Math.floor(o / (64 * KiB))));
  clock.advance(60_000);
  const third = await protectVolume(fx.deps, source);
  assert.equal(third.point.changedBytes, chunks.size * 64 * KiB);
  assert.equal(third.sourceBytesRead, size + chunks.size * 64 * KiB);
  assert.ok(third.backup.blobsStored <= chunks.size + 1, "changed chunks and one tree");
  assert.deepEqual(await pointBytes(fx.repo, third.point), await readFile(image));
  // The earlier point still restores the earlier state.
  assert.deepEqual(
    await pointBytes(fx.repo, first.point),
    await pointBytes(fx.repo, unchanged.point),
  );

  const points = await listRecoveryPoints(fx.store, "shop", { source: "vol-1" });
  assert.deepEqual(
    points.map((p) => p.id),
    [third.point.id, unchanged.point.id, first.point.id],
  );
});

/**
 * Incremental cost of volume protection (docs/protect.md, "Measured"): a 1 GiB image (128 MiB
 * random, the rest zeros), 100 scattered 4 KiB writes, then one incremental with the journal
 * source (writes through the FUSE pass-through) and one with the scan source.
 *   npm run build && scripts/build-journalfs.sh && node dist/bench/protect-incremental.js
 */
import { truncate } from "node:fs/promises";
import { join } from "node:path";
import { systemClock } from "../src/model/clock.js";
import { JournalMount } from "../src/protect/journal/journal-mount.js";
import { JournalSource } from "../src/protect/journal/journal-source.js";
import { protectVolume } from "../src/protect/protect-volume.js";
import { ScanSource } from "../src/protect/scan-source.js";
import {
  MiB,
  makeImage,
  protectFixture,
  scatterWrites,
} from "../test/integration/protect-fixture.js";

const fx = await protectFixture();
try {
  const size = 1024 * MiB;
  const image = join(fx.dir, "disk.img");
  await makeImage(image, 128 * MiB);
  await truncate(image, size);
  const mount = await JournalMount.start({
    image,
    journalDir: join(fx.dir, "journal"),
    mountpoint: join(fx.dir, "mnt"),
  });
  const journal = new JournalSource({
    volume: "journal",
    image,
    journalDir: mount.journalDir,
    clock: systemClock,
    rotate: () => mount.rotate(),
  });
  await protectVolume(fx.deps, journal);
  await scatterWrites(mount.file, size, 100);
  let started = performance.now();
  const j = await protectVolume(fx.deps, journal);
  const journalSeconds = (performance.now() - started) / 1000;
  await mount.stop();
  console.log(
    `journal: ${journalSeconds.toFixed(2)} s, journal bytes read ${j.sourceBytesRead}, base chunks read from the repository ${j.baseBytesRead}, changed ${j.point.changedBytes}`,
  );
  const scan = new ScanSource("scan", image, systemClock);
  await protectVolume(fx.deps, scan);
  await scatterWrites(image, size, 100);
  started = performance.now();
  const s = await protectVolume(fx.deps, scan);
  const scanSeconds = (performance.now() - started) / 1000;
  console.log(
    `scan: ${scanSeconds.toFixed(2)} s, device bytes read ${s.sourceBytesRead}, changed ${s.point.changedBytes}`,
  );
} finally {
  await fx.close();
}

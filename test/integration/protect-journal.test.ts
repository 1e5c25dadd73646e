/**
 * Journal protection through the real FUSE pass-through (dist/native/lifeboat-journalfs): the
 * 256 MiB acceptance (1,000 random 4 KiB writes while points are cut, three instants restored
 * byte-identical), resynchronisation after a restart, and a corrupt record detected.
 *
 * "Over a minute" is compressed: the writes carry real timestamps (CLOCK_REALTIME, taken by the
 * pass-through), spread over ten batches with pauses; what matters is that each chosen instant
 * lies between writes, which the test guarantees by pausing 5 ms after noting it.
 */
import { strict as assert } from "node:assert";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readFile, readdir, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { RecoveryPoint } from "../../src/model/recovery-point.js";
import type { JournalMount } from "../../src/protect/journal/journal-mount.js";
import { protectVolume } from "../../src/protect/protect-volume.js";
import { ImageReader, resolveSnapshot } from "../../src/repository/archiver/api.js";
import type { Repository } from "../../src/repository/repository.js";
import {
  buildJournalfs,
  journalSource,
  KiB,
  MiB,
  makeImage,
  mountJournal,
  protectFixture,
  type ProtectFixture,
} from "./protect-fixture.js";

let fx: ProtectFixture;
let mount: JournalMount | undefined;

before(async () => {
  buildJournalfs();
  fx = await protectFixture();
});
after(async () => {
  await mount?.stop();
  await fx.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function fileHash(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function pointHash(repo: Repository, point: RecoveryPoint): Promise<string> {
  const reader = await ImageReader.open(repo, await resolveSnapshot(repo, point.snapshotId));
  const hash = createHash("sha256");
  for (let offset = 0; offset < reader.size; offset += 16 * MiB) {
    hash.update(await reader.read(offset, Math.min(16 * MiB, reader.size - offset)));
  }
  return hash.digest("hex");
}

async function randomWrites(file: string, size: number, count: number): Promise<void> {
  const handle = await open(file, "r+");
  try {
    for (let i = 0; i < count; i++) {
      const offset = Math.floor(Math.random() * (size / (4 * KiB))) * 4 * KiB;
      await handle.write(randomBytes(4 * KiB), 0, 4 * KiB, offset);
    }
  } finally {
    await handle.close();
  }
}

test("256 MiB in journal mode: three instants cut after the fact restore byte-identical", async () => {
  const size = 256 * MiB;
  const image = join(fx.dir, "journal.img");
  await makeImage(image, 64 * MiB);
  await truncate(image, size);
  mount = await mountJournal(image, fx.dir);
  const source = journalSource("vol-j", image, mount);
  const first = await protectVolume(fx.deps, source);
  assert.equal(first.full, true);
  assert.equal(await pointHash(fx.repo, first.point), await fileHash(image));

  const instants: { at: Date; hash: string }[] = [];
  const points: RecoveryPoint[] = [];
  for (let batch = 1; batch <= 10; batch++) {
    if (batch === 5) {
      // A point cut while writes are in flight: the journal keeps them apart by timestamp.
      const [during] = await Promise.all([
        protectVolume(fx.deps, source),
        randomWrites(mount.file, size, 100),
      ]);
      points.push(during.point);
    } else await randomWrites(mount.file, size, 100);
    await pause(20);
    if (batch % 3 === 0) {
      instants.push({ at: new Date(), hash: await fileHash(image) });
      await pause(5);
    }
    // Each instant is cut one batch later: the journal still holds it.
    if (batch === 4 || batch === 7 || batch === 10) {
      const cut = await protectVolume(fx.deps, source, { at: instants.at(-1)!.at });
      assert.equal(cut.full, false);
      assert.ok(cut.sourceBytesRead < 2 * MiB, `read ${cut.sourceBytesRead} journal bytes`);
      points.push(cut.point);
    }
  }
  const cuts = points.filter((p) => instants.some((i) => i.at.getTime() === p.at.getTime()));
  assert.equal(cuts.length, 3);
  for (const [i, point] of cuts.entries()) {
    assert.equal(await pointHash(fx.repo, point), instants[i]!.hash, `instant ${i + 1}`);
  }
  // The last point covers everything: its position is the end of the journal.
  const last = await protectVolume(fx.deps, source);
  assert.equal(await pointHash(fx.repo, last.point), await fileHash(image));
});

test("a restarted pass-through (new session) resynchronises; writes made meanwhile are kept", async () => {
  assert.ok(mount);
  const image = join(fx.dir, "journal.img");
  await mount.stop();
  await randomWrites(image, 256 * MiB, 20); // while unprotected, e.g. during boot
  mount = await mountJournal(image, fx.dir);
  const source = journalSource("vol-j", image, mount);
  await randomWrites(mount.file, 256 * MiB, 20);
  const cycle = await protectVolume(fx.deps, source);
  assert.equal(cycle.point.method, "journal");
  assert.equal(await pointHash(fx.repo, cycle.point), await fileHash(image));
  const old = (await readdir(mount.journalDir)).filter((n) => !n.startsWith(mount!.session));
  assert.deepEqual(old, ["session"], "segments of the old session are dropped once covered");
});

test("a corrupt journal record is detected, never applied; the next cycle rescans", async () => {
  assert.ok(mount);
  const image = join(fx.dir, "journal.img");
  const source = journalSource("vol-j", image, mount);
  await randomWrites(mount.file, 256 * MiB, 5);
  const segments = (await readdir(mount.journalDir)).filter((n) => n.endsWith(".lbj")).sort();
  const newest = join(mount.journalDir, segments.at(-1)!);
  const bytes = await readFile(newest);
  bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff; // inside the last record's data
  await writeFile(newest, bytes);
  await assert.rejects(protectVolume(fx.deps, source), { code: "LB_JOURNAL_CORRUPT" });
  const healed = await protectVolume(fx.deps, source);
  assert.equal(await pointHash(fx.repo, healed.point), await fileHash(image));
});

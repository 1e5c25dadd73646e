/**
 * Restore between recovery points (docs/protect.md, "Between points") through the real FUSE
 * pass-through: random 4 KiB writes on a 32 MiB image, a point every 60 writes; instants
 * noted BETWEEN points restore byte-identical to the volume as it was then, by replaying the
 * stored journal of the next cycle onto the previous point. Then retention drops the journals
 * of dropped points, `repo forget` keeps a journal exactly with its image, and a stored record
 * with a bad CRC-32 is `LB_JOURNAL_CORRUPT` with nothing written.
 */
import { strict as assert } from "node:assert";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { RecoveryPoint } from "../../src/model/recovery-point.js";
import { applyRetention } from "../../src/protect/apply-retention.js";
import type { JournalMount } from "../../src/protect/journal/journal-mount.js";
import { JOURNAL_TAG, storeJournal } from "../../src/protect/journal/journal-snapshot.js";
import { restoreAt } from "../../src/protect/journal/restore-at.js";
import { protectVolume } from "../../src/protect/protect-volume.js";
import { forgetSnapshots } from "../../src/repository/forget.js";
import { jsonOf, runLifeboat } from "../e2e/cli.js";
import { password } from "./repo-fixture.js";
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

const SIZE = 32 * MiB;
const WRITES_PER_CYCLE = 60;
const CYCLES = 5;
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

const sha = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An instant noted between writes, the volume's hash then, and the writes since the last point. */
interface Instant {
  readonly at: Date;
  readonly hash: string;
  readonly sincePoint: number;
}

test("32 MiB journal volume: instants between points restore byte-identical", async () => {
  const image = join(fx.dir, "journal.img");
  await makeImage(image, SIZE);
  mount = await mountJournal(image, fx.dir);
  const source = journalSource("vol-j", image, mount);
  // The copy a user would have saved at each instant: the same writes applied in memory.
  const shadow = await readFile(image);
  const first = await protectVolume(fx.deps, source);
  assert.equal(first.point.meta.journalSnapshot, undefined, "a resync keeps no journal");
  const points: RecoveryPoint[] = [first.point];
  const instants: Instant[] = [];
  const handle = await open(mount.file, "r+");
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      for (let i = 1; i <= WRITES_PER_CYCLE; i++) {
        const offset = Math.floor(Math.random() * (SIZE / (4 * KiB))) * 4 * KiB;
        const data = randomBytes(4 * KiB);
        await handle.write(data, 0, data.length, offset);
        shadow.set(data, offset);
        if (i % 25 === 0) {
          // The next write must be stamped after the instant's millisecond (the cut's unit).
          const at = new Date();
          instants.push({ at, hash: sha(shadow), sincePoint: i });
          while (Date.now() <= at.getTime() + 1) await pause(1);
        }
      }
      const cut = await protectVolume(fx.deps, source);
      assert.equal(cut.point.meta.journalBytes, WRITES_PER_CYCLE * (4 * KiB + 32));
      points.push(cut.point);
    }
  } finally {
    await handle.close();
  }
  assert.equal(sha(await readFile(image)), sha(shadow), "the shadow tracks the volume");

  for (const [i, instant] of instants.entries()) {
    const target = join(fx.dir, `restored-${i}.img`);
    const result = await restoreAt(fx.repo, { at: instant.at, target, source: "vol-j" });
    assert.equal(
      sha(await readFile(target)),
      instant.hash,
      `instant ${i} (${instant.at.toISOString()})`,
    );
    assert.equal(result.replay?.records, instant.sincePoint, "replays the writes since the point");
    assert.equal(result.stateAt, instant.at.toISOString());
  }
  // The same through the built CLI, as a user restores: `restore latest --source --at`.
  const cliInstant = instants[3]!;
  const cliTarget = join(fx.dir, "cli.img");
  writeFileSync(join(fx.dir, "password"), `${password.reveal()}\n`);
  const run = await runLifeboat(
    [
      "restore",
      "latest",
      "--source",
      "vol-j",
      "--at",
      cliInstant.at.toISOString(),
      "--target",
      cliTarget,
      "--repo",
      join(fx.dir, "repo"),
      "--password-file",
      join(fx.dir, "password"),
      "--json",
    ],
    { cwd: fx.dir },
  );
  assert.equal(run.code, 0, run.stderr);
  const json = jsonOf<{ stateAt: string; replay: { records: number } }>(run);
  assert.equal(json.replay.records, cliInstant.sincePoint);
  assert.equal(json.stateAt, cliInstant.at.toISOString());
  assert.equal(sha(await readFile(cliTarget)), cliInstant.hash);

  // At a point's own instant nothing is replayed beyond it.
  const atPoint = await restoreAt(fx.repo, {
    at: points[2]!.at,
    target: join(fx.dir, "at-point.img"),
    source: "vol-j",
  });
  assert.equal(atPoint.replay?.records, 0);

  // Retention keeps the newest 3 points: the journals replaying onto dropped points go too.
  await applyRetention(fx.deps.points, fx.repo, "shop", "vol-j", { last: 3 });
  const journals = (await fx.repo.listSnapshots()).filter((s) => s.tags.includes(JOURNAL_TAG));
  assert.deepEqual(
    journals.map((s) => s.id).sort(),
    [points[4]!.meta.journalSnapshot, points[5]!.meta.journalSnapshot].sort(),
  );
  const kept = instants.at(-1)!;
  const again = await restoreAt(fx.repo, { at: kept.at, target: join(fx.dir, "kept.img") });
  assert.equal(sha(await readFile(join(fx.dir, "kept.img"))), kept.hash);
  assert.equal(again.replay?.records, kept.sincePoint);
  await assert.rejects(restoreAt(fx.repo, { at: instants[0]!.at, target: join(fx.dir, "gone") }), {
    code: "LB_SNAPSHOT_NOT_FOUND",
  });

  // `repo forget` treats a journal as part of the image it follows.
  const plan = await forgetSnapshots(
    fx.repo,
    { last: 1 },
    { dryRun: true, filter: { kind: "image" } },
  );
  const removed = new Set(plan.groups.flatMap((g) => g.remove.map((s) => s.id)));
  assert.ok(removed.has(points[4]!.snapshotId));
  assert.ok(removed.has(points[5]!.meta.journalSnapshot as string), "follows its image out");
  assert.ok(!removed.has(points[5]!.snapshotId));
});

test("a stored journal record with a bad CRC-32 is LB_JOURNAL_CORRUPT; nothing is written", async () => {
  const newest = (await fx.deps.points.newest("shop", "vol-j"))!;
  const raw = Buffer.alloc(32 + 4 * KiB);
  raw.write("LBJR", 0, "latin1");
  raw.writeUInt32LE(4 * KiB, 4);
  raw.writeBigUInt64LE(0n, 8);
  const atNs = BigInt(newest.at.getTime() + 5) * 1_000_000n;
  raw.writeBigUInt64LE(atNs, 16);
  raw.writeUInt32LE(0xdeadbeef, 24); // not the CRC of this header and data
  const at = new Date(newest.at.getTime() + 10);
  await storeJournal(fx.repo, {
    volume: "vol-j",
    environment: "shop",
    base: { snapshotId: newest.snapshotId, at: newest.at },
    at,
    records: [{ offset: 0, data: raw.subarray(32), atNs, raw }],
  });
  const target = join(fx.dir, "corrupt.img");
  await assert.rejects(restoreAt(fx.repo, { at, target, source: "vol-j" }), {
    code: "LB_JOURNAL_CORRUPT",
  });
  assert.equal(existsSync(target), false);
});

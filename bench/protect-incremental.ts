/**
 * Incremental cost of volume protection (docs/protect.md, "Measured"; a section of `npm run
 * bench`, skipped with `--no-protect`): an image (1/8 random, the rest zeros), 100 scattered
 * 4 KiB writes made through the FUSE journal pass-through, then one incremental with each of
 * the journal source, the scan source and restic (`restic backup` of the same image), all in
 * this run, so the ratios compare like with like. Also restores an instant between two points
 * from the stored journal (`restore latest --at`), checked against the image at that instant.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { truncate } from "node:fs/promises";
import { join } from "node:path";
import { systemClock } from "../src/model/clock.js";
import { JournalMount } from "../src/protect/journal/journal-mount.js";
import { JournalSource } from "../src/protect/journal/journal-source.js";
import { restoreAt } from "../src/protect/journal/restore-at.js";
import { protectVolume } from "../src/protect/protect-volume.js";
import { ScanSource } from "../src/protect/scan-source.js";
import {
  MiB,
  makeImage,
  protectFixture,
  scatterWrites,
} from "../test/integration/protect-fixture.js";
import { ResticRunner } from "./restic-runner.js";

export interface ProtectBenchResult {
  readonly imageBytes: number;
  readonly writes: number;
  readonly journal: { seconds: number; sourceBytesRead: number; baseBytesRead: number };
  readonly scan: { seconds: number; sourceBytesRead: number };
  /** null when restic is not installed. */
  readonly restic: { version: string; seconds: number } | null;
  /** Restoring an instant between two points: image restore plus journal replay. */
  readonly restoreBetween: { seconds: number; records: number; identical: boolean };
}

async function sha(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
const seconds = (since: number) => (performance.now() - since) / 1000;

export async function runProtectBench(
  imageBytes: number,
  log: (line: string) => void,
): Promise<ProtectBenchResult> {
  execFileSync(new URL("../../scripts/build-journalfs.sh", import.meta.url).pathname);
  const fx = await protectFixture();
  try {
    const writes = 100;
    const image = join(fx.dir, "disk.img");
    await makeImage(image, imageBytes / 4);
    await truncate(image, imageBytes);
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
    const scan = new ScanSource("scan", image, systemClock);
    const restic = new ResticRunner();
    const resticInfo = await restic.describe();
    const context = { workDir: join(fx.dir, "restic"), image, imageSize: imageBytes };
    log(`protect: full points (journal, scan${resticInfo ? ", restic" : ""})…`);
    await protectVolume(fx.deps, journal);
    await protectVolume(fx.deps, scan);
    if (resticInfo) {
      await restic.init({ ...context, changedRanges: [] });
      await restic.fullBackup({ ...context, changedRanges: [] });
    }

    // Half the writes, an instant, the other half: the instant lies between two points.
    await scatterWrites(mount.file, imageBytes, writes / 2);
    const between = new Date();
    const betweenHash = await sha(image);
    while (Date.now() <= between.getTime() + 1) await new Promise((r) => setTimeout(r, 1));
    await scatterWrites(mount.file, imageBytes, writes / 2);

    log("protect: incrementals…");
    let started = performance.now();
    const j = await protectVolume(fx.deps, journal);
    const journalSeconds = seconds(started);
    await mount.stop();
    started = performance.now();
    const s = await protectVolume(fx.deps, scan);
    const scanSeconds = seconds(started);
    let resticResult: ProtectBenchResult["restic"] = null;
    if (resticInfo) {
      const m = await restic.incrementalBackup({ ...context, changedRanges: [] });
      resticResult = { version: resticInfo.version, seconds: m.wallSeconds };
    }

    log("protect: restore an instant between points…");
    const target = join(fx.dir, "between.img");
    started = performance.now();
    const restored = await restoreAt(fx.repo, { at: between, target, source: "journal" });
    const restoreSeconds = seconds(started);
    return {
      imageBytes,
      writes,
      journal: {
        seconds: journalSeconds,
        sourceBytesRead: j.sourceBytesRead,
        baseBytesRead: j.baseBytesRead,
      },
      scan: { seconds: scanSeconds, sourceBytesRead: s.sourceBytesRead },
      restic: resticResult,
      restoreBetween: {
        seconds: restoreSeconds,
        records: restored.replay?.records ?? 0,
        identical: (await sha(target)) === betweenHash,
      },
    };
  } finally {
    await fx.close();
  }
}

/** The Markdown table `npm run bench` prints for this section. */
export function protectMarkdown(r: ProtectBenchResult): string {
  const f = (n: number) => n.toFixed(2);
  const vs = (s: number) => (r.restic ? `${(r.restic.seconds / s).toFixed(1)}×` : "-");
  return [
    "",
    `### Protect: incremental after ${r.writes} scattered 4 KiB writes, ${r.imageBytes / MiB} MiB image`,
    "",
    "| source | time | bytes read from device / journal | speed-up vs restic (same run) |",
    "| --- | --- | --- | --- |",
    `| journal | ${f(r.journal.seconds)} s | ${r.journal.sourceBytesRead} (+ ${r.journal.baseBytesRead} of base chunks from the repository) | ${vs(r.journal.seconds)} |`,
    `| scan | ${f(r.scan.seconds)} s | ${r.scan.sourceBytesRead} | ${vs(r.scan.seconds)} |`,
    r.restic
      ? `| restic incremental (${r.restic.version.split(" ").slice(0, 2).join(" ")}) | ${f(r.restic.seconds)} s | the whole image | 1.0× |`
      : "| restic | not installed | | |",
    "",
    `Restore of an instant between two points (image + ${r.restoreBetween.records} journaled writes replayed): ${f(r.restoreBetween.seconds)} s, identical: ${r.restoreBetween.identical}.`,
  ].join("\n");
}

import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { backup, restore, type ChangedRange } from "../repository/archiver/api.js";
import type { Repository } from "../repository/repository.js";

/** One recovery point of the sample volume: a snapshot in the repository. */
export interface SampleVolumePoint {
  readonly snapshot: string;
  readonly kind: "full" | "incremental";
  readonly time: string;
  /** Bytes read from the volume (an incremental reads only the changed ranges). */
  readonly bytesRead: number;
  /** Compressed, encrypted bytes added to the repository. */
  readonly bytesUploaded: number;
  readonly blobsReused: number;
}

export interface SampleVolumeReport {
  readonly volume: string;
  readonly size: number;
  /**
   * How the points were made: `repository-image-backup` — the repository's image backup with
   * changed ranges, until the protection engine (`lifeboat points`) takes over this stage.
   */
  readonly method: "repository-image-backup";
  readonly points: readonly SampleVolumePoint[];
  /** The latest point restored byte-identical (SHA-256 of the volume and of the restore). */
  readonly restoreVerified: boolean;
  readonly sha256: string;
}

const MiB = 1024 * 1024;
const block = 4096;

/**
 * A 32 MiB disk image that looks like a database volume: 4 MiB incompressible (compressed
 * pages), 12 MiB of repetitive rows (compresses well), 16 MiB never written (zeros).
 */
function sampleImage(): Buffer {
  const image = Buffer.alloc(32 * MiB);
  randomBytes(4 * MiB).copy(image, 0);
  let offset = 4 * MiB;
  for (let row = 0; offset < 16 * MiB; row++) {
    offset += image.write(`order ${row} sku-${row % 977} qty ${row % 7} status paid\n`, offset);
  }
  return image;
}

/**
 * `count` scattered 4 KiB writes inside a hot region at `from` of `span` bytes, as an hour of
 * database activity makes: an incremental then reads only the chunks they touch.
 */
async function scatteredWrites(
  path: string,
  from: number,
  span: number,
  count: number,
): Promise<ChangedRange[]> {
  const file = await open(path, "r+");
  const ranges: ChangedRange[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const offset = from + (Math.floor(((i * 7919) % count) * (span / count)) & ~(block - 1));
      await file.write(randomBytes(block), 0, block, offset);
      ranges.push({ offset, length: block });
    }
  } finally {
    await file.close();
  }
  return ranges;
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

function pointOf(
  kind: SampleVolumePoint["kind"],
  r: Awaited<ReturnType<typeof backup>>,
): SampleVolumePoint {
  return {
    snapshot: r.snapshot,
    kind,
    time: new Date().toISOString(),
    bytesRead: r.bytesRead,
    bytesUploaded: r.bytesUploaded,
    blobsReused: r.blobsReused,
  };
}

/**
 * Protects a generated sample volume of `environment` in `repo`: a full point, 100 scattered
 * writes, an incremental point that reads only what changed, then a restore of the latest
 * point checked byte for byte against the volume.
 */
export async function protectSampleVolume(
  repo: Repository,
  dir: string,
  environment: string,
): Promise<SampleVolumeReport> {
  const volume = `${environment}-db-data`;
  const path = join(dir, "volumes", `${volume}.img`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, sampleImage());
  const tags = [`lifeboat:environment=${environment}`, `volume=${volume}`];
  const full = await backup(repo, { source: path, kind: "image", tags });
  const changedRanges = await scatteredWrites(path, 8 * MiB, 2 * MiB, 100);
  const incremental = await backup(repo, { source: path, kind: "image", tags, changedRanges });
  const restored = join(dir, "volumes", `${volume}.restored.img`);
  await restore(repo, { snapshot: incremental.snapshot, target: restored });
  const [expected, actual] = await Promise.all([readFile(path), readFile(restored)]);
  await rm(restored);
  return {
    volume,
    size: expected.length,
    method: "repository-image-backup",
    points: [pointOf("full", full), pointOf("incremental", incremental)],
    restoreVerified: sha256(expected) === sha256(actual),
    sha256: sha256(expected),
  };
}

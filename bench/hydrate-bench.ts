/**
 * Hydration throughput into moto (docs/hydration.md): a deterministic image (half its 64 KiB
 * runs random, half zeros) in a real repository, hydrated into a us-west-2 block snapshot
 * (write, read-back verify), then made into a volume and attached. Also the "without
 * hydration" path a pre-staged snapshot would give: volume from a ready snapshot + attach.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EC2Client } from "@aws-sdk/client-ec2";
import { awsBlockSnapshots } from "../src/providers/aws/aws-block-snapshots.js";
import { AwsConnection } from "../src/providers/aws/aws-connection.js";
import { hydrateSnapshot, verifySnapshot } from "../src/recover/hydrate-volume.js";
import { backup, ImageReader } from "../src/repository/archiver/api.js";
import { FsBackend } from "../src/repository/backends/fs-backend.js";
import { Repository } from "../src/repository/repository.js";
import { Secret } from "../src/model/secret.js";
import { motoClientConfig, startMoto } from "../test/harness/moto.js";
import { launchMachines } from "../test/integration/volume-step-fixture.js";

export interface HydrateBenchResult {
  readonly imageBytes: number;
  readonly blockSize: number;
  readonly blocksWritten: number;
  readonly zeroBlocksSkipped: number;
  readonly writeSeconds: number;
  readonly putsPerSecond: number;
  readonly verifySeconds: number;
  readonly identical: boolean;
  /** Volume from the hydrated snapshot + attach. */
  readonly volumeSeconds: number;
  /** RTO contribution per volume: with hydration (write + verify + volume) and without. */
  readonly withHydrationSeconds: number;
  readonly withoutHydrationSeconds: number;
}

export async function runHydrateBench(
  imageBytes: number,
  log: (line: string) => void,
): Promise<HydrateBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "lifeboat-hydrate-bench-"));
  const moto = await startMoto();
  const connection = new AwsConnection({ ...motoClientConfig(moto, "us-west-2") });
  const repo = await Repository.init(new FsBackend(join(dir, "repo")), new Secret("bench"), {
    kdf: { N: 1024, r: 8, p: 1 },
  });
  try {
    const image = Buffer.alloc(imageBytes);
    for (let at = 0; at < imageBytes; at += 128 * 1024) randomBytes(64 * 1024).copy(image, at);
    writeFileSync(join(dir, "disk.img"), image);
    const point = await backup(repo, { source: join(dir, "disk.img"), kind: "image" });
    const source = await ImageReader.open(repo, await repo.loadSnapshot(point.snapshot));
    const store = awsBlockSnapshots(connection);
    log(`hydrate: ${imageBytes} bytes into moto…`);
    const written = await hydrateSnapshot(source, store, {
      key: `bench-${Date.now()}`,
      description: "bench",
      tags: {},
    });
    const verified = await verifySnapshot(source, store, written.snapshotId);
    const ec2 = new EC2Client(motoClientConfig(moto, "us-west-2"));
    const machine = await launchMachines(ec2, "us-west-2a", 2);
    ec2.destroy();
    const volumeFrom = async (key: string, at: string) => {
      const started = performance.now();
      const volume = await store.createVolume({
        snapshotId: written.snapshotId,
        zone: "us-west-2a",
        key,
        tags: {},
      });
      await store.attachVolume(volume.volumeId, at, "/dev/sdf");
      return (performance.now() - started) / 1000;
    };
    const volumeSeconds = await volumeFrom(`bench-volume-${Date.now()}`, machine[0]!);
    // A pre-staged snapshot already exists: only the volume and the attachment remain.
    const withoutHydrationSeconds = await volumeFrom(`bench-prestaged-${Date.now()}`, machine[1]!);
    return {
      imageBytes,
      blockSize: written.blockSize,
      blocksWritten: written.blocksWritten,
      zeroBlocksSkipped: written.zeroBlocksSkipped,
      writeSeconds: written.seconds,
      putsPerSecond: written.blocksWritten / written.seconds,
      verifySeconds: verified.seconds,
      identical: verified.identical,
      volumeSeconds,
      withHydrationSeconds: written.seconds + verified.seconds + volumeSeconds,
      withoutHydrationSeconds,
    };
  } finally {
    connection.destroy();
    await repo.close();
    await moto.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

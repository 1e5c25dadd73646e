/**
 * RTO with and without pre-staging, through the code a recovery runs (docs/hydration.md): an
 * image protected by scan cycles into a real repository and SQLite state store, staged into a
 * us-west-2 snapshot chain on moto by `stageNewest` after each cycle, then the volume made by
 * the `hydrate` step twice — once hydrating the point (write + read-back verify + volume), once
 * from the staged snapshot (volume only) — each attached to a machine. Also the staging cost
 * per cycle: the full first stage, and the blocks an incremental stage puts after scattered
 * writes (moto ignores `ParentSnapshotId`, so it is then restaged in full; both are reported).
 *
 * Standalone: `node dist/bench/prestage-bench.js [MiB]`.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { EC2Client } from "@aws-sdk/client-ec2";
import { storeStageLog } from "../src/compose-prestage.js";
import { ManualClock, systemClock } from "../src/model/clock.js";
import { stageNewest } from "../src/protect/prestage.js";
import { protectVolume } from "../src/protect/protect-volume.js";
import { ScanSource } from "../src/protect/scan-source.js";
import { awsBlockSnapshots } from "../src/providers/aws/aws-block-snapshots.js";
import { AwsConnection } from "../src/providers/aws/aws-connection.js";
import { hydrateStepHandler } from "../src/recover/hydrate-step.js";
import { ImageReader } from "../src/repository/archiver/api.js";
import { motoClientConfig, startMoto } from "../test/harness/moto.js";
import { protectFixture } from "../test/integration/protect-fixture.js";
import {
  launchMachines,
  stepContext,
  volumeStep,
} from "../test/integration/volume-step-fixture.js";

export interface PrestageBenchResult {
  readonly imageBytes: number;
  readonly blockSize: number;
  /** First stage (full): blocks put and seconds. */
  readonly fullStage: { readonly blocks: number; readonly seconds: number };
  /** After `writes` scattered 4 KiB writes: blocks the incremental attempt put. */
  readonly incremental: {
    readonly writes: number;
    readonly blocks: number;
    readonly seconds: number;
  };
  /** The hydrate step hydrating the point: write, verify, volume, attach. */
  readonly withHydrationSeconds: number;
  /** The hydrate step from the staged snapshot: volume, attach. */
  readonly withoutHydrationSeconds: number;
  readonly identical: boolean;
  readonly putsDuringPrestagedRecovery: number;
}

const KiB = 1024;
const region = "us-west-2";

export async function runPrestageBench(
  imageBytes: number,
  log: (line: string) => void,
): Promise<PrestageBenchResult> {
  const fx = await protectFixture();
  const moto = await startMoto();
  const connection = new AwsConnection({ ...motoClientConfig(moto, region) });
  try {
    const path = join(fx.dir, "disk.img");
    const image = Buffer.alloc(imageBytes);
    for (let at = 0; at < imageBytes; at += 128 * KiB) randomBytes(64 * KiB).copy(image, at);
    await writeFile(path, image);
    const clock = new ManualClock();
    const source = new ScanSource("vol-bench", path, clock);
    const store = awsBlockSnapshots(connection);
    const deps = {
      repo: fx.repo,
      points: fx.deps.points,
      log: storeStageLog(fx.store),
      store,
      environment: "shop",
      target: "west",
      region,
      clock: systemClock,
    };
    const puts = () => connection.stats().byOperation["ebs.PutSnapshotBlock"] ?? 0;
    await protectVolume(fx.deps, source);
    log(`prestage: full stage of ${imageBytes} bytes into moto…`);
    let started = performance.now();
    const first = await stageNewest(deps, "vol-bench");
    const fullStage = {
      blocks: first.staged?.blocksWritten ?? 0,
      seconds: (performance.now() - started) / 1000,
    };
    const writes = 20;
    for (let i = 0; i < writes; i++) {
      const at = Math.floor((i * imageBytes) / writes / (4 * KiB)) * 4 * KiB;
      randomBytes(4 * KiB).copy(image, at);
    }
    await writeFile(path, image);
    clock.advance(60_000);
    const point = (await protectVolume(fx.deps, source)).point;
    started = performance.now();
    const second = await stageNewest(deps, "vol-bench");
    const incremental = {
      writes,
      blocks: second.ignoredParent?.blocksWritten ?? second.staged?.blocksWritten ?? 0,
      seconds: (performance.now() - started) / 1000,
    };
    const staged = second.staged!;
    log(`prestage: recovery with and without hydration…`);

    const ec2 = new EC2Client(motoClientConfig(moto, region));
    const machines = await launchMachines(ec2, `${region}a`, 2);
    ec2.destroy();
    const handler = hydrateStepHandler({
      store,
      openPoint: async (id) => ImageReader.open(fx.repo, await fx.repo.loadSnapshot(id)),
    });
    const recover = async (key: string, data: object, machine: string) => {
      const input = {
        name: "bench",
        location: { region, zone: `${region}a` },
        tags: {},
        properties: {},
        data,
      };
      const step = { ...volumeStep("hydrate", "volume:vol-bench", input), idempotencyKey: key };
      const ctx = stepContext(key, key, input);
      const at = performance.now();
      const result = await handler.execute(step, ctx);
      const out = result.outputs as { id: string; verify?: { identical: boolean } };
      await store.attachVolume(out.id, machine, "/dev/sdf");
      return { seconds: (performance.now() - at) / 1000, identical: out.verify?.identical };
    };
    const hydrated = await recover("bench-hydrate", { snapshot: point.snapshotId }, machines[0]!);
    const before = puts();
    const prestaged = await recover(
      "bench-prestaged",
      { snapshot: point.snapshotId, staged: { snapshotId: staged.snapshotId, region } },
      machines[1]!,
    );
    const blockSize = (await store.listBlocks(staged.snapshotId)).blockSize;
    return {
      imageBytes,
      blockSize,
      fullStage,
      incremental,
      withHydrationSeconds: hydrated.seconds,
      withoutHydrationSeconds: prestaged.seconds,
      identical: hydrated.identical === true,
      putsDuringPrestagedRecovery: puts() - before,
    };
  } finally {
    connection.destroy();
    await moto.stop();
    await fx.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const mib = Number(process.argv[2] ?? "1");
  const result = await runPrestageBench(mib * 1024 * 1024, (line) => console.error(line));
  console.log(JSON.stringify(result, null, 2));
}

/**
 * Set-up shared by the tests of the steps that make volumes through moto's EBS direct APIs
 * (hydrate, prestage, sync-back, failback rebuild): a repository holding one image point, the
 * step and its context, a machine to attach to, and a snapshot read back with a plain client.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EBSClient, GetSnapshotBlockCommand, ListSnapshotBlocksCommand } from "@aws-sdk/client-ebs";
import { RunInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { ExecutableStep } from "../../src/execute/execution-plan.js";
import type { JournalNote, StepContext } from "../../src/execute/step-handler.js";
import { systemClock } from "../../src/model/clock.js";
import { silentLogger } from "../../src/model/logger.js";
import { AwsConnection } from "../../src/providers/aws/aws-connection.js";
import { cbtVolumeTag } from "../../src/providers/aws/aws-volume-snapshots.js";
import type { BlockSnapshotStore } from "../../src/providers/block-snapshots.js";
import { backup } from "../../src/repository/archiver/api.js";
import { FsBackend } from "../../src/repository/backends/fs-backend.js";
import { Repository } from "../../src/repository/repository.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import { password, testOptions } from "./repo-fixture.js";

/** A moto server, a connection to one of its regions, and a repository with one image point. */
export interface PointFixture {
  readonly moto: MotoServer;
  readonly dir: string;
  readonly repo: Repository;
  readonly connection: AwsConnection;
  /** The repository snapshot id of `image` backed up with 16 KiB chunks. */
  readonly point: string;
  close(): Promise<void>;
}

export async function pointFixture(
  name: string,
  region: string,
  image: Uint8Array,
): Promise<PointFixture> {
  const moto = await startMoto();
  const dir = await mkdtemp(join(tmpdir(), `lifeboat-${name}-`));
  const repo = await Repository.init(new FsBackend(join(dir, "repo")), password, testOptions);
  await writeFile(join(dir, "disk.img"), image);
  const { snapshot } = await backup(repo, {
    source: join(dir, "disk.img"),
    kind: "image",
    chunkSize: 16384,
  });
  const connection = new AwsConnection({ ...motoClientConfig(moto, region), maxConcurrency: 8 });
  return {
    moto,
    dir,
    repo,
    connection,
    point: snapshot,
    close: async () => {
      connection.destroy();
      await repo.close();
      await moto.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The context a step runs in; journal notes are pushed to `notes`. */
export function stepContext(
  runId: string,
  key: string,
  input: unknown,
  notes: JournalNote[] = [],
): StepContext {
  return {
    runId,
    environment: "shop",
    idempotencyKey: key,
    input,
    dependencyOutputs: new Map(),
    attempt: 1,
    signal: new AbortController().signal,
    logger: silentLogger,
    clock: systemClock,
    journal: async (note) => void notes.push(note),
  };
}

/** A step of `kind` on `resource` (e.g. "volume:vol-data") with `input`. */
export function volumeStep(kind: string, resource: string, input: unknown): ExecutableStep {
  return {
    id: `${kind}:${resource}`,
    kind,
    dependsOn: [],
    idempotencyKey: "k",
    input: input as ExecutableStep["input"],
    resource,
  };
}

/** Launches `count` t3.micro machines in `zone`; resolves their ids. */
export async function launchMachines(ec2: EC2Client, zone: string, count = 1): Promise<string[]> {
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: "ami-12c6146b",
      MinCount: count,
      MaxCount: count,
      InstanceType: "t3.micro",
      Placement: { AvailabilityZone: zone },
    }),
  );
  return run.Instances!.map((i) => i.InstanceId!);
}

/**
 * The first `size` bytes of a snapshot as `ebs` reads it, block by block (holes as zeros), in
 * a buffer of whole blocks; blocks past them are not read.
 */
export async function snapshotBlocks(
  ebs: EBSClient,
  snapshotId: string,
  size: number,
): Promise<Buffer> {
  const listed = await ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: snapshotId }));
  const blockSize = Number(listed.BlockSize);
  const out = Buffer.alloc(Math.ceil(size / blockSize) * blockSize);
  for (const b of listed.Blocks ?? []) {
    if (Number(b.BlockIndex) * blockSize >= out.length) continue;
    const got = await ebs.send(
      new GetSnapshotBlockCommand({
        SnapshotId: snapshotId,
        BlockIndex: Number(b.BlockIndex),
        BlockToken: b.BlockToken,
      }),
    );
    Buffer.from(await got.BlockData!.transformToByteArray()).copy(
      out,
      Number(b.BlockIndex) * blockSize,
    );
  }
  return out;
}

/**
 * The first `size` bytes of a snapshot, read back with a plain SDK client as the volume made
 * from it would be; asserts the bytes past `size` up to the block boundary are zeros.
 */
export async function readSnapshot(
  moto: MotoServer,
  region: string,
  snapshotId: string,
  size: number,
): Promise<Buffer> {
  const ebs = new EBSClient(motoClientConfig(moto, region));
  try {
    const out = await snapshotBlocks(ebs, snapshotId, size);
    assert.ok(out.subarray(size).every((b) => b === 0));
    return out.subarray(0, size);
  } finally {
    ebs.destroy();
  }
}

/**
 * A 1 GiB snapshot holding `blocks`, tagged as `volume`'s (what the CBT source lists, as AWS
 * tags a snapshot of the volume; moto cannot snapshot through the direct APIs otherwise).
 */
export async function taggedVolumeSnapshot(
  store: BlockSnapshotStore,
  volume: string,
  blocks: ReadonlyMap<number, Buffer>,
): Promise<string> {
  const key = `cbt-${randomBytes(4).toString("hex")}`;
  const tags = { [cbtVolumeTag]: volume };
  const { snapshotId } = await store.start({ sizeGiB: 1, description: key, key, tags });
  for (const [index, data] of blocks) await store.putBlock(snapshotId, index, data);
  await store.complete(snapshotId, blocks.size);
  return snapshotId;
}

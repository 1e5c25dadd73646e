// A failback takes the copy's final delta itself through changed-block tracking (docs/recovery.md,
// "Data sync-back"), end to end against moto through the built CLI. The agent binds the bastion's
// data volume with `mode: cbt` (the server reads it through the EBS direct APIs), so the failback
// reads the copy's volume the same way in us-west-2 before it syncs: no agent on the copy, no
// workflow. moto keeps bytes only for snapshots written through the EBS direct APIs (an EC2
// snapshot of a live volume holds no blocks), so the "volume's snapshots" are written here and
// tagged `lifeboat:cbt-volume=<volume>`, and the binding uses `snapshots: tagged`; the
// `snapshots: create` path (EC2 CreateSnapshot of the copy's volume) is not exercised.
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { awsBlockSnapshots } from "../../src/providers/aws/aws-block-snapshots.js";
import { AwsConnection } from "../../src/providers/aws/aws-connection.js";
import { listRecoveryPoints } from "../../src/store/recovery-points-repo.js";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { listSteps } from "../../src/store/steps-repo.js";
import { motoClientConfig } from "../harness/moto.js";
import { expectJson } from "./capture-fixture.js";
import { failbackWorld, sha, snapshotBytes, type FailbackJson } from "./failback-fixture.js";
import { taggedVolumeSnapshot } from "../integration/volume-step-fixture.js";
import {
  runIdOf,
  source,
  target,
  workspaceStore,
  type RecoverWorld,
  type ReportJson,
} from "./recover-fixture.js";

const MiB = 1024 * 1024;
let world: RecoverWorld;
let dataVolume = "";

before(async () => {
  ({ world, dataVolume } = await failbackWorld((c, volume) =>
    c
      .set("environments.shop.protect", [{ volumes: { ids: [volume] }, rpo: "1h" }])
      .set("environments.shop.agent", {
        name: "data-host",
        volumes: { [volume]: { mode: "cbt", connection: "east", snapshots: "tagged" } },
      }),
  ));
});

after(async () => {
  await world?.close();
});

/** A 1 GiB direct-API snapshot in `region` holding `blocks` (512 B each), tagged as `volume`'s. */
async function volumeSnapshot(
  region: string,
  volume: string,
  blocks: Map<number, Buffer>,
): Promise<string> {
  const connection = new AwsConnection(motoClientConfig(world.moto, region));
  try {
    return await taggedVolumeSnapshot(awsBlockSnapshots(connection), volume, blocks);
  } finally {
    connection.destroy();
  }
}

/** The first MiB of a volume holding `blocks` (every block written lies in it). */
function imageOf(blocks: Map<number, Buffer>): Buffer {
  const image = Buffer.alloc(MiB);
  for (const [index, data] of blocks) data.copy(image, index * 512);
  return image;
}

test("failback reads the copy's volume through CBT for the final delta and carries it home", async (t) => {
  const primary = new Map([
    [0, randomBytes(512)],
    [5, randomBytes(512)],
    [1000, randomBytes(512)],
  ]);
  await volumeSnapshot(source, dataVolume, primary);
  expectJson(await world.ws.cli(["agent", "shop", "--once", "--json"]));
  const store = await workspaceStore(world.ws);
  try {
    const [first] = await listRecoveryPoints(store, "shop", { source: dataVolume });
    assert.equal(first?.method, "cbt");
    const failover = await world.ws.cli([
      "recover",
      "shop",
      "--yes",
      "--json",
      "--hydrate",
      `volume:${dataVolume}=${first.snapshotId}`,
    ]);
    assert.equal(expectJson<ReportJson>(failover).report.phase, "succeeded");
    const hydrate = (await listSteps(store, runIdOf(failover))).find((s) => s.kind === "hydrate");
    const copyVolume = hydrate?.outputs?.id;
    assert.equal(typeof copyVolume, "string");

    // The copy writes (block 0 changed, block 7 new); a snapshot of its volume is taken in
    // us-west-2. Nobody runs an agent: the failback reads it.
    const copy = new Map(primary).set(0, randomBytes(512)).set(7, randomBytes(512));
    const copySnapshot = await volumeSnapshot(target, copyVolume as string, copy);

    const result = await world.ws.cli(["failback", "shop", "--yes", "--json"]);
    const back = expectJson<FailbackJson>(result);
    t.diagnostic(back.report.steps.map((s) => `${s.stepId}=${s.phase}`).join(", "));
    assert.equal(back.ok, true);
    const [sync] = back.dataSync;
    assert.equal(sync?.finalDelta, "cbt");
    const out = sync.outputs as { synced: boolean; recoveryPoint: string; snapshotId: string };
    assert.equal(out.synced, true);

    // The final delta is a CBT point of the primary's volume id, read from the copy's snapshot.
    const [newest] = await listRecoveryPoints(store, "shop", { source: dataVolume });
    assert.equal(newest?.method, "cbt");
    assert.deepEqual(newest.meta.cbt, { snapshotId: copySnapshot });
    assert.equal(out.recoveryPoint, newest.snapshotId);
    assert.notEqual(out.recoveryPoint, first.snapshotId);
    const events = await listStepEvents(store, runIdOf(result));
    const taken = events.find((e) => e.type === "handler.sync-back.final-delta");
    assert.equal(taken?.data.volume, copyVolume);
    // What reached the primary's region reads back as the copy's volume.
    assert.equal(sha(await snapshotBytes(world, out.snapshotId, MiB)), sha(imageOf(copy)));
  } finally {
    await store.close();
  }
});

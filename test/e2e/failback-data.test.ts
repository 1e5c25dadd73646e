// `lifeboat failback` carries the copy's data back (docs/recovery.md, "Failback"), end to end
// against moto through the built CLI. The shop's bastion has a data volume in us-east-1; the
// agent protects an image file as that volume id; the failover hydrates the point into
// us-west-2. Then "the copy writes": the image changes, and nobody runs the agent: the final
// delta is taken by the failback itself, through a `before-sync-back` workflow whose `exec` step
// runs `lifeboat agent --once` (as it would over ssh or SSM on the copy). `failback` is killed
// with -9 during the data sync and `resume` completes it: the bastion's volume at /dev/sdf is a
// new one whose snapshot reads back byte-identical to the image as changed just before the
// failback, the old volume is kept and tagged, no machine is duplicated, the copy is gone, DNS
// leads home, protection is back on.
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { open, readFile, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { DescribeInstancesCommand, DescribeVolumesCommand } from "@aws-sdk/client-ec2";
import { listRecoveryPoints } from "../../src/store/recovery-points-repo.js";
import { listSteps } from "../../src/store/steps-repo.js";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { countRegion } from "../integration/recover-fixture.js";
import { expectJson } from "./capture-fixture.js";
import { cliPath } from "./cli.js";
import {
  device,
  failbackWorld,
  sha,
  shopAlias,
  snapshotBytes,
  type FailbackJson,
} from "./failback-fixture.js";
import {
  runIdOf,
  source,
  spawnLifeboat,
  target,
  workspaceStore,
  type RecoverWorld,
  type ReportJson,
} from "./recover-fixture.js";

const KiB = 1024;
const imageSize = 1024 * KiB;
let world: RecoverWorld;
let dataVolume = "";
const imagePath = () => join(world.ws.dir, "disks", "data.img");

before(async () => {
  ({ world, dataVolume } = await failbackWorld((c, volume) =>
    c
      .set("environments.shop.protect", [{ volumes: { ids: [volume] }, rpo: "1h" }])
      .set("environments.shop.agent", {
        name: "data-host",
        volumes: { [volume]: { path: "disks/data.img", mode: "scan" } },
      })
      // The final delta, taken during the failback on "the copy" (here the same host).
      .set("workflows", {
        "final-delta": {
          steps: [
            {
              id: "agent-once",
              action: "exec",
              target: { local: true },
              with: {
                command: [process.execPath, cliPath, "agent", "shop", "--once", "--json"],
              },
            },
          ],
        },
      })
      .set("environments.shop.recovery.workflows", { "before-sync-back": ["final-delta"] }),
  ));
  // A 1 MiB image: 16 KiB of data, a hole, 8 KiB of data (moto's blocks are 512 B).
  mkdirSync(join(world.ws.dir, "disks"));
  await writeFile(imagePath(), randomBytes(16 * KiB));
  await truncate(imagePath(), imageSize);
  await overwrite(512 * KiB, randomBytes(8 * KiB));
});

after(async () => {
  await world?.close();
});

async function overwrite(offset: number, data: Buffer): Promise<void> {
  const file = await open(imagePath(), "r+");
  try {
    await file.write(data, 0, data.length, offset);
  } finally {
    await file.close();
  }
}

/** One `agent --once` round: a recovery point of the data volume; returns its snapshot id. */
async function protectOnce(): Promise<string> {
  expectJson(await world.ws.cli(["agent", "shop", "--once", "--json"]));
  return await newestPoint();
}

/** The snapshot id of the data volume's newest recovery point. */
async function newestPoint(): Promise<string> {
  const store = await workspaceStore(world.ws);
  try {
    const [newest] = await listRecoveryPoints(store, "shop", { source: dataVolume });
    assert.ok(newest, "the agent recorded a point");
    return newest.snapshotId;
  } finally {
    await store.close();
  }
}

test("failback takes the copy's final delta itself and carries it home: killed -9 mid-sync, resumed, byte-identical", async (t) => {
  const east = world.clients.region(source);
  const homeAlias = await shopAlias(world);
  const machinesBefore = (await countRegion(east)).machine;

  const first = await protectOnce();
  const failover = await world.ws.cli([
    "recover",
    "shop",
    "--yes",
    "--json",
    "--hydrate",
    `volume:${dataVolume}=${first}`,
  ]);
  const failoverId = runIdOf(failover);
  assert.equal(expectJson<ReportJson>(failover).report.phase, "succeeded");

  // The copy writes: new data over the first block and in the hole. Nobody runs the agent: the
  // failback's before-sync-back workflow takes that final delta.
  await overwrite(0, randomBytes(4 * KiB));
  await overwrite(256 * KiB, randomBytes(6 * KiB));
  const expected = await readFile(imagePath());

  // Kill -9 while the data is being carried back, then resume.
  const live = spawnLifeboat(world.ws, ["failback", "shop", "--yes", "--json"]);
  const failbackId = await live.runId;
  const store = await workspaceStore(world.ws);
  const syncStep = `sync-back:volume:${dataVolume}`;
  try {
    for (;;) {
      const step = (await listSteps(store, failbackId)).find((s) => s.stepId === syncStep);
      if (step?.phase === "running") break;
      if (live.proc.exitCode !== null) {
        throw new Error(`failback ended first: ${(await live.done).stdout}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10)); // polling another process
    }
    live.proc.kill("SIGKILL");
    await live.done;
    const mid = (await listSteps(store, failbackId)).find((s) => s.stepId === syncStep);
    t.diagnostic(`killed with the sync-back step ${mid?.phase}`);
    assert.notEqual(mid?.phase, "succeeded", "the kill came after the sync had finished");
  } finally {
    await store.close();
  }

  const resumed = expectJson<FailbackJson>(await world.ws.cli(["resume", failbackId, "--json"]));
  t.diagnostic(
    `failback: steps ${resumed.report.steps.map((s) => `${s.stepId}=${s.phase}`).join(", ")}`,
  );
  assert.equal(resumed.ok, true);
  assert.equal(resumed.failoverRunId, failoverId);
  assert.equal(resumed.environmentStatus, "active");
  assert.equal(resumed.protectionEnabled, true);
  assert.equal(resumed.copyTeardown?.phase, "succeeded");
  // The workflow ran on the copy before the sync, and took the point the sync carried.
  const wf = resumed.report.steps.find((s) => s.stepId === "workflow:before-sync-back:final-delta");
  assert.equal(wf?.phase, "succeeded");
  const written = await newestPoint();
  assert.notEqual(written, first);
  const [sync] = resumed.dataSync;
  assert.equal(sync?.phase, "succeeded");
  assert.equal(sync.finalDelta, "workflow");
  const out = sync.outputs as {
    id: string;
    synced: boolean;
    recoveryPoint: string;
    snapshotId: string;
    attached: boolean;
    previousVolume: string;
    verify: { identical: boolean };
  };
  assert.equal(out.synced, true);
  assert.equal(out.recoveryPoint, written);
  assert.equal(out.verify.identical, true);
  assert.equal(out.attached, true);
  assert.equal(out.previousVolume, dataVolume);

  // The primary's bastion has the new volume at the same device, made from a snapshot that
  // reads back (GetSnapshotBlock) byte-identical to the copy's last point.
  const bastion = (
    await east.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [world.shop.compute.bastionInstanceId] }),
    )
  ).Reservations?.[0]?.Instances?.[0];
  assert.equal(bastion?.State?.Name, "running");
  const attached = bastion?.BlockDeviceMappings?.find((m) => m.DeviceName === device)?.Ebs;
  assert.equal(attached?.VolumeId, out.id);
  const volumes = await east.ec2.send(
    new DescribeVolumesCommand({ VolumeIds: [out.id, dataVolume] }),
  );
  const made = volumes.Volumes?.find((v) => v.VolumeId === out.id);
  assert.equal(made?.SnapshotId, out.snapshotId);
  assert.equal(made?.AvailabilityZone, `${source}a`);
  assert.equal(sha(await snapshotBytes(world, out.snapshotId, imageSize)), sha(expected));
  // The old volume is kept, detached, and says what replaced it.
  const old = volumes.Volumes?.find((v) => v.VolumeId === dataVolume);
  assert.equal(old?.State, "available");
  assert.equal(old?.Tags?.find((x) => x.Key === "lifeboat:replaced-by")?.Value, out.id);

  // No duplicate machines, the copy is gone, DNS leads home.
  assert.equal((await countRegion(east)).machine, machinesBefore);
  // moto's StartSnapshot makes an EC2 volume of its own for every direct-API snapshot (untagged,
  // never attached) and keeps it after the snapshot is deleted: the failover's hydration and
  // the agent's staging leave those. Every other kind is back at its baseline, and no volume of
  // Lifeboat's is left.
  const { volume: _leftVolumes, ...targetNow } = await world.targetCounts();
  const { volume: _baseVolumes, ...baseline } = world.baseline;
  assert.deepEqual(targetNow, baseline);
  const west = await world.clients.region(target).ec2.send(new DescribeVolumesCommand({}));
  const tagged = (west.Volumes ?? []).filter((v) => (v.Tags ?? []).length > 0);
  assert.deepEqual(
    tagged.map((v) => v.VolumeId),
    [],
  );
  assert.equal(await shopAlias(world), homeAlias);
  assert.match(homeAlias ?? "", new RegExp(source));

  // The copy was captured before it went: a version labelled as the copy, listed by history,
  // compared by diff, never the latest (recoveries keep rebuilding the primary).
  assert.equal(resumed.copyCapture?.label, `copy:${failoverId}`);
  assert.equal(resumed.copyCapture?.version, 2);
  assert.ok((resumed.copyCapture?.counts.machine ?? 0) >= 1);
  assert.ok((resumed.copyCapture?.counts.volume ?? 0) >= 1);
  const history = expectJson<{ versions: { version: number; label?: string }[] }>(
    await world.ws.cli(["history", "shop", "--json"]),
  );
  assert.deepEqual(
    history.versions.map((v) => [v.version, v.label ?? null]),
    [
      [2, `copy:${failoverId}`],
      [1, null],
    ],
  );
  const diff = expectJson<{ added: unknown[]; removed: unknown[] }>(
    await world.ws.cli(["diff", "shop", "1", "2", "--json"]),
  );
  assert.ok(diff.added.length > 0 && diff.removed.length > 0);
  assert.equal(
    expectJson<{ capture: { version: number } }>(await world.ws.cli(["status", "shop", "--json"]))
      .capture.version,
    1,
  );

  // The journal says what happened and nothing claims "not implemented".
  const check = await workspaceStore(world.ws);
  try {
    const types = (await listStepEvents(check, failbackId)).map((e) => e.type);
    assert.ok(types.includes("handler.sync-back.verified"), types.join(", "));
    assert.ok(types.includes("failback.protection-enabled"));
    assert.ok(!types.includes("failback.data-sync"));
  } finally {
    await check.close();
  }
  const text = await world.ws.cli(["run", failbackId]);
  assert.equal(text.code, 0, text.stderr);
});

// Pre-staged mode end to end against moto through the built CLI (docs/hydration.md): the
// shop's bastion has a data volume; the agent protects an image file as that volume id with
// `prestage: { connection: west }`, so each `agent --once` stages the point into us-west-2.
// `points --json` shows it staged; a drill (no --hydrate: hydration is the default) makes the
// volume from the staged snapshot — the run journal has `hydrate.prestaged` and no write.
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { expectJson } from "./capture-fixture.js";
import { failbackWorld } from "./failback-fixture.js";
import {
  runIdOf,
  target,
  workspaceStore,
  type RecoverWorld,
  type ReportJson,
} from "./recover-fixture.js";

const KiB = 1024;
let world: RecoverWorld;
let dataVolume = "";

before(async () => {
  ({ world, dataVolume } = await failbackWorld((c, volume) =>
    c
      .set("environments.shop.protect", [
        { volumes: { ids: [volume] }, rpo: "1h", prestage: { connection: "west" } },
      ])
      .set("environments.shop.agent", {
        name: "data-host",
        volumes: { [volume]: { path: "disks/data.img", mode: "scan" } },
      }),
  ));
  mkdirSync(join(world.ws.dir, "disks"));
  await writeFile(join(world.ws.dir, "disks", "data.img"), randomBytes(12 * KiB));
  await truncate(join(world.ws.dir, "disks", "data.img"), 256 * KiB);
});

after(async () => {
  await world?.close();
});

interface PointsJson {
  points: { id: string; source: string; staged: { region: string; snapshotId: string }[] }[];
  staging: { source: string; region: string; pointsBehind: number }[];
}

test("prestage: the agent stages each point; a drill makes the volume from it, writing nothing", async () => {
  const agent = expectJson<{ volumes: { staging?: { lastError: unknown } }[] }>(
    await world.ws.cli(["agent", "shop", "--once", "--json"]),
  );
  assert.equal(agent.volumes[0]?.staging?.lastError, null);
  const points = expectJson<PointsJson>(await world.ws.cli(["points", "shop", "--json"]));
  const staged = points.points[0]?.staged[0];
  assert.equal(staged?.region, target);
  assert.deepEqual(
    points.staging.map((s) => [s.source, s.region, s.pointsBehind]),
    [[dataVolume, target, 0]],
  );

  const drill = await world.ws.cli(["recover", "shop", "--drill", "--yes", "--json"]);
  const report = expectJson<ReportJson>(drill).report as ReportJson["report"] & {
    hydration: { stepId: string; mode: string; snapshotId: string }[];
    rto: { prestagedVolumes: number; hydratedVolumes: number; hydrationMs: number } | null;
  };
  assert.equal(report.phase, "succeeded");
  const stepId = `hydrate:volume:${dataVolume}`;
  assert.deepEqual(report.hydration, [
    { ...report.hydration[0], stepId, mode: "prestaged", snapshotId: staged!.snapshotId },
  ]);
  assert.deepEqual(
    [report.rto?.prestagedVolumes, report.rto?.hydratedVolumes, report.rto?.hydrationMs],
    [1, 0, 0],
  );
  const store = await workspaceStore(world.ws);
  try {
    const types = (await listStepEvents(store, runIdOf(drill)))
      .filter((e) => e.stepId === stepId)
      .map((e) => e.type);
    assert.ok(types.includes("handler.hydrate.prestaged"), types.join(", "));
    assert.ok(!types.includes("handler.hydrate.written"), "no block was written");
  } finally {
    await store.close();
  }
});

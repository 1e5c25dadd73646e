// Fault tests of `lifeboat recover` through the real CLI against moto: `cancel` from a second
// process during a run, then `teardown`; `kill -9` of the recover process at three points,
// then `resume` → equivalent, nothing made twice, and teardown back to the baseline.
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { listSteps } from "../../src/store/steps-repo.js";
import type { Store } from "../../src/store/store.js";
import { countByRunTag } from "../integration/recover-fixture.js";
import { expectJson } from "./capture-fixture.js";
import {
  delta,
  recoverWorld,
  spawnLifeboat,
  target,
  untilSucceeded,
  workspaceStore,
  type RecoverWorld,
  type ReportJson,
} from "./recover-fixture.js";

let world: RecoverWorld;
let store: Store;

before(async () => {
  world = await recoverWorld();
  store = await workspaceStore(world.ws);
});

after(async () => {
  await store?.close();
  await world?.close();
});

test("cancel from a second process stops new steps; teardown removes what was made", async (t) => {
  const live = spawnLifeboat(world.ws, ["recover", "shop", "--yes", "--json"]);
  const id = await live.runId;
  await untilSucceeded(store, live, id, 5);
  // Hold the cloud still (moto, not the CLI: a stopped CLI could hold the SQLite write lock)
  // so the cancel lands mid-run whatever the machine's speed; steps in flight wait on it.
  process.kill(world.moto.pid, "SIGSTOP");
  let cancel: { runId: string; phase: string };
  try {
    cancel = expectJson(await world.ws.cli(["cancel", id, "--json"]));
  } finally {
    process.kill(world.moto.pid, "SIGCONT");
  }
  assert.equal(cancel.phase, "cancelling");
  const ended = await live.done;
  const r = (JSON.parse(ended.stdout) as ReportJson).report;
  t.diagnostic(`cancelled: ${JSON.stringify(r.counts)}`);
  assert.equal(ended.code, 1);
  assert.equal(r.phase, "cancelled");
  const steps = await listSteps(store, id);
  assert.ok(
    steps.some((s) => s.phase === "cancelled"),
    "steps left unstarted",
  );
  assert.ok(steps.filter((s) => s.phase === "succeeded").length < steps.length);
  assert.ok(r.created > 0, "something was made before the cancel");

  const down = expectJson<ReportJson>(await world.ws.cli(["teardown", id, "--json"]));
  assert.equal(down.report.teardown?.phase, "succeeded");
  assert.deepEqual(await world.targetCounts(), world.baseline);
});

const points = [
  { name: "early", succeeded: 3 },
  { name: "middle", succeeded: 15 },
  { name: "late", succeeded: 30 },
];

for (const point of points) {
  test(`kill -9 recover ${point.name} (≥ ${point.succeeded} steps done), resume → equivalent, no duplicates`, async (t) => {
    const live = spawnLifeboat(world.ws, ["recover", "shop", "--yes", "--json"]);
    const id = await live.runId;
    const done = await untilSucceeded(store, live, id, point.succeeded);
    live.proc.kill("SIGKILL");
    const killed = await live.done;
    assert.equal(killed.code, 128, "killed, not ended");
    const shown = expectJson<ReportJson>(await world.ws.cli(["run", id, "--json"]), 0);
    assert.equal(shown.report.phase, "running", "the journal shows the run cut off");
    t.diagnostic(`killed after ${done} succeeded steps`);

    const resumed = expectJson<ReportJson>(await world.ws.cli(["resume", id, "--json"]));
    const r = resumed.report;
    t.diagnostic(`resumed: wall ${r.wallMs} ms, ${r.created} created, ${r.adopted} adopted`);
    assert.equal(r.phase, "succeeded");
    assert.deepEqual(r.verification?.differences, []);
    assert.equal(r.verification?.result, "equivalent");
    assert.deepEqual(delta(await world.targetCounts(), world.baseline), world.sourceCounts);
    const bySource = await countByRunTag(world.clients.region(target).ec2, id);
    const twice = [...bySource].filter(([k, n]) => n > 1 && !k.startsWith("instance:scaling"));
    assert.deepEqual(twice, []);

    expectJson(await world.ws.cli(["teardown", id, "--json"]));
    assert.deepEqual(await world.targetCounts(), world.baseline);
  });
}

test("kill -9 a drill midway: resume verifies it and still tears it down", async () => {
  const live = spawnLifeboat(world.ws, ["recover", "shop", "--drill", "--json"]);
  const id = await live.runId;
  await untilSucceeded(store, live, id, 10);
  live.proc.kill("SIGKILL");
  await live.done;
  const resumed = expectJson<ReportJson>(await world.ws.cli(["resume", id, "--json"]));
  assert.equal(resumed.report.phase, "succeeded");
  assert.equal(resumed.report.verification?.result, "equivalent");
  assert.equal(resumed.report.teardown?.phase, "succeeded");
  assert.deepEqual(await world.targetCounts(), world.baseline);
  // Resuming a drill that was torn down only reports it.
  const again = expectJson<ReportJson>(await world.ws.cli(["resume", id, "--json"]));
  assert.equal(again.report.teardown?.runId, resumed.report.teardown?.runId);
  assert.deepEqual(await world.targetCounts(), world.baseline);
});

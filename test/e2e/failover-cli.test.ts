// A failover through the built CLI against moto: the shop in us-east-1, recovered into
// us-west-2, its public record moved to the recovered load balancer after the recovered
// endpoint (a local HTTP server) answered and after `lifeboat approve`; the primary fenced and
// the environment marked failed-over. Rejection, timeout and kill -9 + resume leave no half
// move; teardown gives the primary back.
import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parse, stringify } from "yaml";
import { getEnvironment } from "../../src/store/environments-repo.js";
import type { Store } from "../../src/store/store.js";
import { expectJson } from "./capture-fixture.js";
import { failoverWorld, untilWaiting, type FailoverWorld } from "./failover-fixture.js";
import { spawnLifeboat, workspaceStore, type ReportJson } from "./recover-fixture.js";

let world: FailoverWorld;
let store: Store;
let primary: { dnsName: string | undefined; zoneId: string | undefined };
let group: { min: number; desired: number };

before(async () => {
  world = await failoverWorld();
  store = await workspaceStore(world.ws);
  primary = await world.shopRecord();
  group = await world.primaryGroup();
  assert.match(primary.dnsName ?? "", /us-east-1/);
  assert.ok(group.desired > 0);
});

after(async () => {
  await store?.close();
  await world?.close();
});

const stepPhase = (report: ReportJson["report"], id: string) =>
  report.steps.find((s) => s.stepId === id)?.phase;

async function assertUntouched(): Promise<void> {
  assert.deepEqual(await world.shopRecord(), primary, "DNS untouched");
  assert.deepEqual(await world.primaryGroup(), group, "primary not fenced");
  assert.equal(await world.bastionState(), "running");
}

test("approval mode waits before DNS; approved, the record moves and the primary is fenced", async (t) => {
  const live = spawnLifeboat(world.ws, ["recover", "shop", "--yes", "--approval", "--json"]);
  const runId = await live.runId;
  await untilWaiting(store, runId);
  await assertUntouched();
  const approved = expectJson<{ stepId: string }>(
    await world.ws.cli(["approve", runId, "--by", "ops", "--json"]),
  );
  assert.equal(approved.stepId, "approval:dns");
  const done = await live.done;
  const { report } = expectJson<ReportJson>(done, done.code);
  t.diagnostic(`failover: ${report.steps.length} steps, wall ${report.wallMs} ms`);
  assert.equal(report.phase, "succeeded", done.stderr);
  for (const id of ["dns-ttl:records", "verify:endpoint", "dns-move:records", "fence:source"]) {
    assert.equal(stepPhase(report, id), "succeeded", id);
  }
  const moved = await world.shopRecord();
  assert.match(moved.dnsName ?? "", /^shop-alb-dr-1\.us-west-2\.elb\.amazonaws\.com$/);
  assert.deepEqual(await world.primaryGroup(), { min: 0, desired: 0 });
  assert.equal(await world.bastionState(), "stopped");
  assert.equal((await getEnvironment(store, "shop"))?.status, "failed-over");

  // Teardown of the failover gives everything back: record, group, bastion, status.
  expectJson(await world.ws.cli(["teardown", runId, "--json"]));
  await assertUntouched();
  assert.equal((await getEnvironment(store, "shop"))?.status, "active");
});

test("a rejected approval leaves DNS and the primary untouched", async () => {
  const live = spawnLifeboat(world.ws, ["recover", "shop", "--yes", "--approval", "--json"]);
  const runId = await live.runId;
  await untilWaiting(store, runId);
  expectJson(
    await world.ws.cli(["approve", runId, "--reject", "--comment", "false alarm", "--json"]),
  );
  const { report } = expectJson<ReportJson>(await live.done, 1);
  assert.equal(report.phase, "failed");
  assert.equal(stepPhase(report, "dns-move:records"), "skipped");
  assert.equal(stepPhase(report, "fence:source"), "skipped");
  await assertUntouched();
  expectJson(await world.ws.cli(["teardown", runId, "--json"]));
});

test("an approval that times out leaves DNS and the primary untouched", async () => {
  const tree = parse(readFileSync(world.ws.config, "utf8")) as {
    environments: { shop: { recovery: Record<string, unknown> } };
  };
  tree.environments.shop.recovery.approvalTimeout = "2s";
  const impatient = join(world.ws.dir, "impatient.yaml");
  writeFileSync(impatient, stringify(tree));
  const run = await world.ws.cli([
    "recover",
    "shop",
    "--yes",
    "--approval",
    "--json",
    "--config",
    impatient,
  ]);
  const { report } = expectJson<ReportJson>(run, 1);
  assert.equal(stepPhase(report, "approval:dns"), "failed");
  assert.equal(stepPhase(report, "dns-move:records"), "skipped");
  await assertUntouched();
  expectJson(await world.ws.cli(["teardown", report.runId, "--json"]));
});

test("kill -9 while the failover waits; resume completes it once approved", async () => {
  const live = spawnLifeboat(world.ws, ["recover", "shop", "--yes", "--approval", "--json"]);
  const runId = await live.runId;
  await untilWaiting(store, runId);
  live.proc.kill("SIGKILL");
  await live.done;
  await assertUntouched();
  const resumed = spawnLifeboat(world.ws, ["resume", runId, "--json"]);
  await resumed.runId;
  expectJson(await world.ws.cli(["approve", runId, "--json"]));
  const { report } = expectJson<ReportJson>(await resumed.done, 0);
  assert.equal(report.phase, "succeeded");
  assert.equal(stepPhase(report, "mark:failed-over"), "succeeded");
  assert.match((await world.shopRecord()).dnsName ?? "", /us-west-2/);
  assert.deepEqual(await world.primaryGroup(), { min: 0, desired: 0 });
  assert.equal((await getEnvironment(store, "shop"))?.status, "failed-over");
});

// The performance acceptance: a shop of at least 50 resources recovered us-east-1 → us-west-2
// through the real CLI. Prints wall time (RTO), longest chain and peak steps in flight (the
// numbers in docs/recovery.md); asserts behaviour only — parallelism, equivalence, counts.
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { expectJson } from "./capture-fixture.js";
import { delta, recoverWorld, type RecoverWorld, type ReportJson } from "./recover-fixture.js";

let world: RecoverWorld;

before(async () => {
  world = await recoverWorld({ build: (b) => b.withAtLeastResources(50) });
});

after(async () => {
  await world?.close();
});

test("a 50-resource environment: parallel, equivalent, counts match; numbers printed", async (t) => {
  const inventory = expectJson<{ inventory: { resources: unknown[] } }>(
    await world.ws.cli(["inventory", "shop", "--json"]),
  );
  const resources = inventory.inventory.resources.length;
  assert.ok(resources >= 50, `the captured environment holds ${resources} resources`);
  const started = Date.now();
  const result = expectJson<ReportJson>(await world.ws.cli(["recover", "shop", "--yes", "--json"]));
  const r = result.report;
  const line =
    `recovery of ${resources} resources: ${r.steps.length} steps, wall ${r.wallMs} ms ` +
    `(CLI ${Date.now() - started} ms incl. start-up and verification), longest chain ` +
    `${r.longestChain} steps, peak ${r.peakInFlight} in flight, ${r.created} created, ` +
    `${r.adopted} adopted, verification ${r.verification?.result} (${r.verification?.checked} compared)`;
  t.diagnostic(line);
  console.log(`# ${line}`);
  assert.equal(r.phase, "succeeded");
  assert.deepEqual(r.verification?.differences, []);
  assert.ok(r.peakInFlight >= 4, `steps ran in parallel (peak ${r.peakInFlight})`);
  assert.ok(r.longestChain < r.steps.length / 2, "the graph is wider than a chain");
  assert.deepEqual(delta(await world.targetCounts(), world.baseline), world.sourceCounts);

  const down = expectJson<ReportJson>(await world.ws.cli(["teardown", r.runId, "--json"]));
  t.diagnostic(`teardown: ${down.report.teardown?.deleted} deleted`);
  assert.deepEqual(await world.targetCounts(), world.baseline);
});

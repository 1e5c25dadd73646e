// A 50-resource shop (extra security groups and records) recovered from moto's us-east-1 into
// us-west-2 and torn down: prints wall time, the critical path, the longest chain and the peak
// number of steps in flight (benchmark figures, not timed assertions).
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { captureEnvironment } from "../../src/capture/capture.js";
import type { Inventory } from "../../src/model/inventory/index.js";
import { AwsProvider } from "../../src/providers/aws/aws-provider.js";
import { shopEnvironment } from "../../src/providers/aws/shop/shop-environment.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import {
  countRegion,
  planShop,
  recoverySetup,
  source,
  target,
  targetFacts,
  type RecoverySetup,
} from "./recover-fixture.js";

let moto: MotoServer;
let clients: AwsClients;
let setup: RecoverySetup;
let inventory: Inventory;

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
  await shopEnvironment(clients).inRegion(source).named("shop").withAtLeastResources(50).build();
  const provider = new AwsProvider({ ...motoClientConfig(moto, source), maxConcurrency: 4 });
  try {
    inventory = (await captureEnvironment(provider, { tags: { app: "shop" } })).inventory;
  } finally {
    provider.close();
  }
  setup = await recoverySetup(moto);
});

after(async () => {
  await setup?.close();
  clients?.destroy();
  await moto?.stop();
});

test("a 50-resource environment recovers in parallel and tears down to the baseline", async (t) => {
  assert.ok(inventory.resources.length >= 50, `resources: ${inventory.resources.length}`);
  const baseline = await countRegion(clients.region(target));
  const plan = planShop(inventory, await targetFacts(clients.region(target).ec2), "failover");
  const { run, report } = await setup.executor.recover({
    environment: "shop",
    mode: "failover",
    plan,
  });
  t.diagnostic(
    `${inventory.resources.length} resources, ${report.steps.length} steps: wall ${report.wallMs} ms, ` +
      `critical path ${report.criticalPath.steps.length} steps / ${report.criticalPath.durationMs} ms, ` +
      `longest chain ${report.longestChain}, peak in flight ${report.peakInFlight}, ` +
      `API calls ${setup.connection.stats().calls}`,
  );
  const slowest = [...report.steps]
    .sort((a, b) => (b.durationMs ?? 0) - (a.durationMs ?? 0))
    .slice(0, 5)
    .map((s) => `${s.stepId.split(":").slice(0, 2).join(":")} ${s.durationMs} ms`);
  t.diagnostic(`slowest steps: ${slowest.join(", ")}`);
  assert.deepEqual(report.errors, []);
  assert.equal(run.phase, "succeeded");
  assert.ok(report.peakInFlight > 1, "independent steps ran at the same time");

  const teardown = await setup.executor.teardown(run.id);
  t.diagnostic(
    `teardown: ${teardown.report.steps.length} steps, wall ${teardown.report.wallMs} ms`,
  );
  assert.deepEqual(teardown.report.errors, []);
  assert.deepEqual(await countRegion(clients.region(target)), baseline);
});

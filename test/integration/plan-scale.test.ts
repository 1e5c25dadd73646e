// The plan of a ~50-resource environment captured in moto: how long and how wide a recovery
// is (the critical path and peak parallelism the executor can reach), printed for the README,
// and the property that filler resources widen the plan without deepening it.
import { strict as assert } from "node:assert";
import { performance } from "node:perf_hooks";
import { after, before, test } from "node:test";
import { captureEnvironment } from "../../src/capture/capture.js";
import type { Inventory } from "../../src/model/inventory/index.js";
import { parseMappingOrThrow } from "../../src/model/mapping.js";
import { planRecovery } from "../../src/plan/plan-recovery.js";
import { AwsProvider } from "../../src/providers/aws/aws-provider.js";
import { shopEnvironment } from "../../src/providers/aws/shop/shop-environment.js";
import { westFacts } from "../builders/shop-inventory.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";

let moto: MotoServer;
let clients: AwsClients;
let small: Inventory;
let big: Inventory;

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
  await Promise.all([
    shopEnvironment(clients).named("small").build(),
    shopEnvironment(clients)
      .named("big")
      .withVpcCidr("10.1.0.0/16")
      .withAtLeastResources(50)
      .build(),
  ]);
  const provider = new AwsProvider({ ...motoClientConfig(moto, "us-east-1"), maxConcurrency: 4 });
  try {
    small = (await captureEnvironment(provider, { tags: { app: "small" } })).inventory;
    big = (await captureEnvironment(provider, { tags: { app: "big" } })).inventory;
  } finally {
    provider.close();
  }
});

after(async () => {
  clients?.destroy();
  await moto?.stop();
});

const facts = westFacts({
  instanceTypes: Object.fromEntries(
    ["us-west-2a", "us-west-2b", "us-west-2c"].map((z) => [z, ["t3.micro", "t3.small"]]),
  ),
  keyPairs: undefined,
});

test("a ~50-resource environment plans wider, not deeper", () => {
  const plan = (inventory: Inventory) => {
    const started = performance.now();
    const outcome = planRecovery({
      environment: "shop",
      inventory,
      mapping: parseMappingOrThrow({ target: "west", nameSuffix: "-dr" }),
      mode: "failover",
      facts,
    });
    assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.problems));
    return { ...outcome, ms: Math.round(performance.now() - started) };
  };
  const one = plan(small);
  const two = plan(big);
  assert.ok(big.resources.length >= 50, `${big.resources.length} resources`);
  assert.equal(two.analysis.criticalPath.length, one.analysis.criticalPath.length);
  assert.ok(two.analysis.maxWidth > one.analysis.maxWidth);
  for (const [name, inv, p] of [
    ["shop", small, one],
    ["big", big, two],
  ] as const) {
    console.log(
      `plan-scale: ${name}: ${inv.resources.length} resources -> ${p.plan.steps.length} steps in ` +
        `${p.analysis.waves.length} waves, longest chain ${p.analysis.criticalPath.length}, ` +
        `widest wave ${p.analysis.maxWidth}, planned in ${p.ms} ms`,
    );
  }
});

// Plans the odd environment of capture-shapes (secondary CIDR and interfaces, data disk, a route
// via an interface, self rules, private zone, weighted and alias-to-record records, IP targets,
// listener rules, template versions) captured in us-west-2, back into us-east-1.
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { RegisterImageCommand } from "@aws-sdk/client-ec2";
import { captureEnvironment } from "../../src/capture/capture.js";
import { validatePlan } from "../../src/execute/execution-plan.js";
import type { Inventory } from "../../src/model/inventory/index.js";
import { parseMappingOrThrow, type MappingInput } from "../../src/model/mapping.js";
import { planRecovery, type PlanOutcome } from "../../src/plan/plan-recovery.js";
import { targetFactsRequest } from "../../src/plan/preflight.js";
import type { TargetFacts } from "../../src/plan/target-facts.js";
import { AwsProvider } from "../../src/providers/aws/aws-provider.js";
import { waitsFor } from "../builders/plan-helpers.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import { buildOddEnvironment } from "./capture-odd-environment.js";
import { gatherFacts } from "./plan-target-facts.js";

let moto: MotoServer;
let clients: AwsClients;
let inventory: Inventory;
let facts: TargetFacts;
/** Source image id → a stand-in registered in the target, for images outside the environment. */
const images: Record<string, string> = {};

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
  await buildOddEnvironment(clients, "us-west-2");
  const provider = new AwsProvider(motoClientConfig(moto, "us-west-2"));
  try {
    inventory = (await captureEnvironment(provider, { tags: { app: "odd" } })).inventory;
  } finally {
    provider.close();
  }
  const east = clients.region("us-east-1").ec2;
  for (const e of inventory.externals.filter((x) => x.kind === "image")) {
    const made = await east.send(new RegisterImageCommand({ Name: `stand-in-${e.providerId}` }));
    images[e.providerId] = made.ImageId ?? "";
  }
  const request = targetFactsRequest(inventory, parseMappingOrThrow({ target: "east", images }));
  facts = await gatherFacts(east, request);
});

after(async () => {
  clients?.destroy();
  await moto?.stop();
});

const plan = (mode: "failover" | "drill", mapping: Partial<MappingInput> = {}): PlanOutcome =>
  planRecovery({
    environment: "odd",
    inventory,
    mapping: parseMappingOrThrow({ target: "east", nameSuffix: "-dr", images, ...mapping }),
    mode,
    facts: { ...facts, keyPairs: undefined },
  });

test("an image outside the environment with no stand-in fails pre-flight", () => {
  if (Object.keys(images).length === 0) return;
  const outcome = plan("failover", { images: "copy" });
  assert.equal(outcome.ok, false);
  if (!outcome.ok) assert.ok(outcome.problems.every((p) => p.code === "image-missing"));
});

test("the odd shapes plan in both modes, and the executor accepts the plans", () => {
  for (const mode of ["failover", "drill"] as const) {
    const outcome = plan(mode);
    assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.problems));
    assert.equal(validatePlan(outcome.plan).length, outcome.plan.steps.length);
    const planned = new Set(outcome.plan.steps.map((s) => s.resource));
    for (const r of inventory.resources) {
      if (!planned.has(r.id)) assert.ok(r.kind.startsWith("dns-"), `${r.id} has no step`);
    }
  }
});

test("both blocks of a network with a secondary CIDR are renumbered", () => {
  const network = inventory.resources.find((r) => r.kind === "network");
  assert.ok(network?.kind === "network");
  const outcome = plan("failover", {
    cidrs: { "10.9.0.0/16": "10.90.0.0/16", "10.10.0.0/16": "10.100.0.0/16" },
  });
  assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.problems));
  const create = outcome.plan.steps.find((s) => s.id === `create:${network.id}`);
  const props = (create?.input as { properties: Record<string, unknown> }).properties;
  assert.equal(props.cidrBlock, "10.90.0.0/16");
  assert.deepEqual(props.additionalCidrBlocks, ["10.100.0.0/16"]);
});

test("a route through an interface is set after that interface exists", () => {
  const outcome = plan("failover");
  assert.ok(outcome.ok);
  const routeSteps = outcome.plan.steps.filter((s) => s.id.startsWith("configure:route-table:"));
  const viaInterface = routeSteps.filter((s) =>
    JSON.stringify(s.input).includes('"ref":"network-interface:'),
  );
  assert.ok(viaInterface.length > 0, "the odd environment routes via an interface");
  for (const step of viaInterface) {
    const eni = /"ref":"(network-interface:[^"]+)"/.exec(JSON.stringify(step.input))?.[1];
    const binder =
      eni === undefined ? undefined : (outcome.plan.bindings as Record<string, string>)[eni];
    assert.ok(binder && waitsFor(outcome.plan, step.id, binder), step.id);
  }
});

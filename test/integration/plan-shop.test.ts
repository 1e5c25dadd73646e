// Plans the recovery of a REAL captured shop (moto, us-east-1) into us-west-2, with target
// facts gathered from moto's us-west-2 through the SDK, the way the AWS adapter will.
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { CreateVpcCommand } from "@aws-sdk/client-ec2";
import { captureEnvironment } from "../../src/capture/capture.js";
import { validatePlan } from "../../src/execute/execution-plan.js";
import type { Inventory } from "../../src/model/inventory/index.js";
import { parseMappingOrThrow } from "../../src/model/mapping.js";
import { planRecovery, type PlanRequest } from "../../src/plan/plan-recovery.js";
import { planReport, renderPlanText } from "../../src/plan/plan-report.js";
import { targetFactsRequest } from "../../src/plan/preflight.js";
import type { TargetFacts } from "../../src/plan/target-facts.js";
import { AwsProvider } from "../../src/providers/aws/aws-provider.js";
import { shopEnvironment } from "../../src/providers/aws/shop/shop-environment.js";
import { waitsFor } from "../builders/plan-helpers.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import { gatherFacts } from "./plan-target-facts.js";

let moto: MotoServer;
let clients: AwsClients;
let provider: AwsProvider;
let inventory: Inventory;
let facts: TargetFacts;

const mapping = parseMappingOrThrow({ target: "west", nameSuffix: "-dr" });
const factsRequest = (inv: Inventory) => targetFactsRequest(inv, mapping);

const request = (overrides: Partial<PlanRequest> = {}): PlanRequest => ({
  environment: "shop",
  inventory,
  mapping,
  mode: "failover",
  facts,
  ...overrides,
});

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
  await shopEnvironment(clients).named("shop").build();
  provider = new AwsProvider({ ...motoClientConfig(moto, "us-east-1"), maxConcurrency: 4 });
  inventory = (await captureEnvironment(provider, { tags: { app: "shop" } })).inventory;
  facts = await gatherFacts(clients.region("us-west-2").ec2, factsRequest(inventory));
});

after(async () => {
  provider?.close();
  clients?.destroy();
  await moto?.stop();
});

test("the captured shop plans into us-west-2, every resource accounted for", () => {
  const outcome = planRecovery(request());
  assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.problems));
  const { plan, analysis } = outcome;
  const planned = new Set(plan.steps.map((s) => s.resource));
  for (const r of inventory.resources) {
    // Only public records that name nothing rebuilt stay out: they already point right.
    if (!planned.has(r.id)) assert.equal(r.kind, "dns-record", r.id);
  }
  assert.equal(plan.target.region, "us-west-2");
  assert.ok(
    plan.steps.some((s) => s.kind === "dns"),
    "the shop's alias record moves",
  );
  assert.equal(plan.steps.at(-1)?.kind, "dns");
  assert.ok(analysis.criticalPath.length >= 6);
  assert.ok(analysis.maxWidth >= 4);
  const rules = plan.steps.filter((s) => s.id.startsWith("configure:security-group:"));
  const groups = plan.steps.filter((s) => /^(create|adopt):security-group:/.test(s.id));
  for (const r of rules) for (const g of groups) assert.ok(waitsFor(plan, r.id, g.id));
});

test("the real shop's plan is byte-identical on every run", () => {
  const one = planRecovery(request());
  const two = planRecovery(request());
  assert.ok(one.ok && two.ok);
  assert.equal(JSON.stringify(one.plan), JSON.stringify(two.plan));
});

test("a drill of the real shop has no DNS step", () => {
  const outcome = planRecovery(request({ mode: "drill" }));
  assert.ok(outcome.ok);
  assert.equal(outcome.plan.steps.filter((s) => s.kind === "dns").length, 0);
  assert.match(renderPlanText(outcome.plan), /drill: no DNS change/);
});

test("--only the web tier leaves the database and the bastion out", () => {
  const outcome = planRecovery(
    request({ selection: { kinds: ["scaling-group", "load-balancer"] } }),
  );
  assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.problems));
  const kinds = new Set(outcome.plan.steps.map((s) => s.resourceKind));
  for (const k of [
    "network",
    "subnet",
    "security-group",
    "load-balancer",
    "listener",
    "target-group",
    "launch-template",
    "scaling-group",
  ]) {
    assert.ok(kinds.has(k as never), k);
  }
  for (const k of ["database", "db-subnet-group", "machine", "dns-record"]) {
    assert.ok(!kinds.has(k as never), k);
  }
});

test("pre-flight against the real target finds an overlapping network and a missing type", async () => {
  const west = clients.region("us-west-2").ec2;
  const network = inventory.resources.find((r) => r.kind === "network");
  assert.ok(network?.kind === "network");
  await west.send(new CreateVpcCommand({ CidrBlock: network.properties.cidrBlock }));
  const crowded = await gatherFacts(west, factsRequest(inventory));
  const outcome = planRecovery(
    request({
      facts: {
        ...crowded,
        instanceTypes: { ...crowded.instanceTypes, [crowded.zones[0] ?? ""]: [] },
      },
    }),
  );
  assert.equal(outcome.ok, false);
  if (outcome.ok) return;
  const codes = new Set(outcome.problems.map((p) => p.code));
  assert.deepEqual([...codes].sort(), ["cidr-overlap", "instance-type-unavailable"]);
});

test("the dry-run report of the real shop has the documented shape", () => {
  const outcome = planRecovery(request());
  assert.ok(outcome.ok);
  const report = JSON.parse(JSON.stringify(planReport(outcome.plan))) as Record<string, unknown>;
  assert.deepEqual(Object.keys(report).sort(), ["plan", "summary"]);
  const summary = report.summary as Record<string, unknown>;
  assert.deepEqual(Object.keys(summary).sort(), [
    "byStepKind",
    "criticalPath",
    "maxWidth",
    "resources",
    "steps",
    "waves",
  ]);
});

test("the executor accepts every plan of the real shop (bindings among ancestors, no cycle)", () => {
  const requests = [
    request(),
    request({ mode: "drill" }),
    request({ selection: { kinds: ["scaling-group", "load-balancer"] } }),
    request({
      mapping: parseMappingOrThrow({ target: "west", cidrs: { "10.0.0.0/16": "10.60.0.0/16" } }),
    }),
  ];
  for (const r of requests) {
    const outcome = planRecovery(r);
    assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.problems));
    assert.equal(validatePlan(outcome.plan).length, outcome.plan.steps.length);
  }
});

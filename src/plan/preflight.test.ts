import { strict as assert } from "node:assert";
import { test } from "node:test";
import { exitCodeFor, isLifeboatError } from "../model/errors.js";
import { parseMappingOrThrow } from "../model/mapping.js";
import { planShop } from "../../test/builders/plan-helpers.js";
import { shopInventory, westFacts } from "../../test/builders/shop-inventory.js";
import type { PlanProblemCode } from "./plan-problem.js";
import { planRecoveryOrThrow } from "./plan-recovery.js";
import { preflight, targetFactsRequest } from "./preflight.js";

const codes = (outcome: ReturnType<typeof planShop>): PlanProblemCode[] =>
  outcome.ok ? [] : outcome.problems.map((p) => p.code).sort();

/** A target that is wrong in every way the pre-flight checks. */
const hostile = westFacts({
  zones: ["us-west-2a"],
  instanceTypes: { "us-west-2a": ["m7g.large"] },
  networks: [{ id: "vpc-taken", cidrBlocks: ["10.0.128.0/17"] }],
  images: [],
  keyPairs: [],
});

test("pre-flight reports every problem at once", () => {
  const outcome = planShop({
    facts: hostile,
    mapping: { images: { "ami-shop": "ami-gone" }, cidrs: { "192.168.0.0/16": "10.9.0.0/16" } },
  });
  assert.deepEqual(codes(outcome), [
    "cidr-overlap",
    "cidr-unused",
    "image-missing",
    "instance-type-unavailable",
    "instance-type-unavailable",
    "key-pair-missing",
    "zone-unmapped",
  ]);
});

test("a failed pre-flight is LB_PLAN_PREFLIGHT_FAILED, exit 2, with the problems in details", () => {
  assert.throws(
    () =>
      planRecoveryOrThrow({
        environment: "shop",
        inventory: shopInventory().build(),
        mapping: parseMappingOrThrow({ target: "west" }),
        mode: "failover",
        facts: hostile,
      }),
    (e: unknown) =>
      isLifeboatError(e, "LB_PLAN_PREFLIGHT_FAILED") &&
      exitCodeFor(e) === 2 &&
      Array.isArray(e.details.problems) &&
      e.details.problems.length >= 4,
  );
});

test("a substitute offered in the zone clears an unavailable type", () => {
  const facts = westFacts({
    instanceTypes: { "us-west-2a": ["m7g.large"], "us-west-2b": ["m7g.large"] },
  });
  assert.deepEqual(codes(planShop({ facts })), [
    "instance-type-unavailable",
    "instance-type-unavailable",
  ]);
  assert.equal(
    planShop({ facts, mapping: { instanceTypes: { "t3.micro": ["m7g.large"] } } }).ok,
    true,
  );
});

test("renumbering clears a CIDR overlap", () => {
  const facts = westFacts({ networks: [{ id: "vpc-taken", cidrBlocks: ["10.0.0.0/8"] }] });
  assert.deepEqual(codes(planShop({ facts })), ["cidr-overlap"]);
  assert.equal(
    planShop({ facts, mapping: { cidrs: { "10.0.0.0/16": "172.20.0.0/16" } } }).ok,
    true,
  );
});

test("an explicit zone the target does not have is reported", () => {
  assert.deepEqual(codes(planShop({ mapping: { zones: { "us-east-1a": "us-west-2z" } } })), [
    "zone-unknown",
  ]);
});

test("an image of another owner is found in the target by name, or reported missing", () => {
  const inventory = shopInventory()
    .machine("i-other", {
      subnet: "subnet-pub-b",
      zone: "us-east-1b",
      groups: [],
      image: "ami-public",
    })
    .external("image:ami-public", { name: "al2023-ami-2023.1" })
    .build();
  assert.deepEqual(codes(planShop({ inventory })), ["image-missing"]);
  const facts = westFacts({ images: [{ id: "ami-west-al", name: "al2023-ami-2023.1" }] });
  const outcome = planShop({ inventory, facts });
  assert.ok(outcome.ok);
  const machine = outcome.plan.steps.find((s) => s.id === "create:machine:i-other");
  assert.equal(
    (machine?.input as { properties: { image: string } }).properties.image,
    "ami-west-al",
  );
});

test("key pairs are not checked when the facts did not look them up", () => {
  const { keyPairs: _ignored, ...facts } = westFacts({ keyPairs: [] });
  assert.equal(planShop({ facts }).ok, true);
});

test("preflight() alone gives the same report without planning", () => {
  const report = preflight({
    environment: "shop",
    inventory: shopInventory().build(),
    mapping: parseMappingOrThrow({ target: "west" }),
    mode: "failover",
    facts: hostile,
  });
  assert.equal(report.ok, false);
  assert.ok(report.problems.some((p) => p.code === "zone-unmapped"));
});

test("the facts request names the types with their substitutes, mapped images and key pairs", () => {
  const mapping = parseMappingOrThrow({
    target: "west",
    instanceTypes: { "t3.micro": ["t3.small"] },
    images: { "ami-shop": "ami-west" },
    keyPairs: { ops: "ops-west" },
  });
  assert.deepEqual(targetFactsRequest(shopInventory().build(), mapping), {
    instanceTypes: ["t3.micro", "t3.small"],
    imageIds: ["ami-west"],
    imageNames: [],
    keyPairs: ["ops-west"],
  });
});

test("a target in the source's region needs a name suffix", () => {
  const facts = westFacts({ region: "us-east-1", zones: ["us-east-1a", "us-east-1b"] });
  const sameRegion = {
    ...facts,
    instanceTypes: { "us-east-1a": ["t3.micro"], "us-east-1b": ["t3.micro"] },
  };
  assert.deepEqual(codes(planShop({ facts: sameRegion, mapping: { nameSuffix: "" } })), [
    "names-collide",
  ]);
  assert.equal(planShop({ facts: sameRegion, mapping: { nameSuffix: "-drill" } }).ok, true);
});

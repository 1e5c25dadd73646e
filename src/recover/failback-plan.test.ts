import { strict as assert } from "node:assert";
import { test } from "node:test";
import { validatePlan } from "../execute/execution-plan.js";
import { shopInventory } from "../../test/builders/shop-inventory.js";
import { planFailback } from "./failback-plan.js";

const request = {
  environment: "shop",
  failoverRunId: "run-1",
  inventoryVersion: 3,
  inventory: shopInventory().build(),
  source: { connection: "east", region: "us-east-1" },
  target: { connection: "west", region: "us-west-2" },
};

test("a failback releases the primary, then points its alias records back; nothing is created", () => {
  const plan = planFailback(request);
  assert.deepEqual(
    plan.steps.map((s) => [s.id, s.kind, s.dependsOn]),
    [
      ["release:source", "release", []],
      ["dns-move:shop.example.com", "dns-move", ["release:source"]],
    ],
  );
  const release = plan.steps[0]?.input as {
    connection: string;
    scalingGroups: { name: string; desiredCapacity: number }[];
    instances: string[];
  };
  assert.equal(release.connection, "east");
  assert.deepEqual(
    release.scalingGroups.map((g) => g.name),
    ["asg-web"],
  );
  assert.ok(release.instances.includes("i-bastion"));
  const move = plan.steps[1]?.input as { records: string[]; to: unknown; connection: string };
  // The TXT record names no load balancer: it stays as it is.
  assert.deepEqual(move.records, ["www.shop.example.com"]);
  assert.deepEqual(move.to, { loadBalancer: "alb-shop" });
  assert.equal(move.connection, "east");
  assert.ok(!plan.steps.some((s) => ["create", "copy"].includes(s.kind)));
  assert.equal(plan.target.connection, "west");
  // The executor accepts it: a DAG with unique ids and keys scoped to the failover run.
  validatePlan(plan);
  assert.ok(plan.steps.every((s) => s.idempotencyKey.startsWith("failback/run-1/")));
  assert.deepEqual(planFailback(request), plan);
});

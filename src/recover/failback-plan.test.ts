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
      ["capture:copy", "capture-copy", []],
      ["release:source", "release", []],
      ["dns-move:shop.example.com", "dns-move", ["release:source"]],
    ],
  );
  assert.deepEqual(plan.steps[0]?.input, { connection: "west", failoverRunId: "run-1" });
  const release = plan.steps[1]?.input as {
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
  const move = plan.steps[2]?.input as { records: string[]; to: unknown; connection: string };
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

test("a volume the failover hydrated is carried back first, onto its machine and device", () => {
  const inventory = shopInventory()
    .volume("vol-data", "i-bastion", "us-east-1a", "/dev/sdf")
    .build();
  const point = "ab".repeat(32);
  const plan = planFailback({
    ...request,
    inventory,
    hydrated: [{ resource: "volume:vol-data", point, copyVolume: "vol-copy" }],
    failoverStartedAt: "2026-11-22T06:00:00.000Z",
  });
  assert.deepEqual(
    plan.steps.map((s) => [s.id, s.kind, s.dependsOn]),
    [
      ["capture:copy", "capture-copy", []],
      ["sync-back:volume:vol-data", "sync-back", []],
      ["release:source", "release", ["sync-back:volume:vol-data"]],
      ["dns-move:shop.example.com", "dns-move", ["release:source"]],
    ],
  );
  assert.deepEqual(plan.steps[1]?.input, {
    connection: "east",
    volume: "vol-data",
    copyVolume: "vol-copy",
    hydratedPoint: point,
    after: "2026-11-22T06:00:00.000Z",
    name: "vol-data",
    zone: "us-east-1a",
    volumeType: "gp3",
    machine: "i-bastion",
    device: "/dev/sdf",
    tags: { app: "shop" },
  });
  validatePlan(plan);
  // A hydrated id the inventory does not hold plans nothing for it.
  const none = planFailback({
    ...request,
    hydrated: [{ resource: "volume:vol-gone", point, copyVolume: null }],
  });
  assert.ok(!none.steps.some((s) => s.kind === "sync-back"));
});

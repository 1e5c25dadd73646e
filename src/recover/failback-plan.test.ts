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
      ["rebuild:machine:i-bastion", "rebuild", []],
      ["release:source", "release", ["rebuild:machine:i-bastion"]],
      ["dns-move:shop.example.com", "dns-move", ["release:source"]],
    ],
  );
  assert.deepEqual(plan.steps[0]?.input, { connection: "west", failoverRunId: "run-1" });
  // A lost machine is launched again from its captured spec, with the primary's own ids.
  const rebuild = plan.steps[1]?.input as {
    connection: string;
    machine: string;
    spec: { properties: { subnet: string; groups: string[]; image: string }; tags: object };
  };
  assert.equal(rebuild.connection, "east");
  assert.equal(rebuild.machine, "i-bastion");
  assert.ok(!JSON.stringify(rebuild.spec).includes('"ref"'));
  assert.match(rebuild.spec.properties.subnet, /^subnet-/);
  assert.ok(rebuild.spec.properties.groups.every((g) => g.startsWith("sg-")));
  assert.deepEqual(plan.bindings, { "machine:i-bastion": "rebuild:machine:i-bastion" });
  const release = plan.steps[2]?.input as {
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
  const move = plan.steps[3]?.input as { records: string[]; to: unknown; connection: string };
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
      ["rebuild:machine:i-bastion", "rebuild", []],
      ["sync-back:volume:vol-data", "sync-back", ["rebuild:machine:i-bastion"]],
      ["release:source", "release", ["rebuild:machine:i-bastion", "sync-back:volume:vol-data"]],
      ["dns-move:shop.example.com", "dns-move", ["release:source"]],
    ],
  );
  assert.deepEqual(plan.steps[2]?.input, {
    connection: "east",
    volume: "vol-data",
    copyVolume: "vol-copy",
    hydratedPoint: point,
    after: "2026-11-22T06:00:00.000Z",
    name: "vol-data",
    zone: "us-east-1a",
    volumeType: "gp3",
    machine: { ref: "machine:i-bastion" },
    device: "/dev/sdf",
    tags: { app: "shop" },
    finalDelta: "none",
  });
  validatePlan(plan);
  // A hydrated id the inventory does not hold plans nothing for it.
  const none = planFailback({
    ...request,
    hydrated: [{ resource: "volume:vol-gone", point, copyVolume: null }],
  });
  assert.ok(!none.steps.some((s) => s.kind === "sync-back"));
});

test("failback workflows: before-sync-back on the copy gates every sync-back; DNS points surround the move", () => {
  const inventory = shopInventory()
    .volume("vol-data", "i-bastion", "us-east-1a", "/dev/sdf")
    .build();
  const plan = planFailback({
    ...request,
    inventory,
    hydrated: [{ resource: "volume:vol-data", point: "cd".repeat(32), copyVolume: "vol-copy" }],
    copyMachines: { "i-bastion": "i-copy" },
    workflows: {
      "before-sync-back": ["quiesce", "final-delta"],
      "before-dns": ["gate"],
      "after-dns": ["announce"],
      // Points of recovery plans have no place in a failback.
      "after-compute": ["smoke"],
    },
  });
  const deps = Object.fromEntries(plan.steps.map((s) => [s.id, s.dependsOn]));
  assert.deepEqual(deps["workflow:before-sync-back:quiesce"], [
    "capture:copy",
    "rebuild:machine:i-bastion",
  ]);
  assert.deepEqual(deps["workflow:before-sync-back:final-delta"], [
    "workflow:before-sync-back:quiesce",
  ]);
  assert.ok(deps["sync-back:volume:vol-data"]?.includes("workflow:before-sync-back:final-delta"));
  assert.ok(deps["dns-move:shop.example.com"]?.includes("workflow:before-dns:gate"));
  assert.deepEqual(deps["workflow:before-dns:gate"], ["release:source"]);
  assert.deepEqual(deps["workflow:after-dns:announce"], ["dns-move:shop.example.com"]);
  assert.ok(!plan.steps.some((s) => s.id.includes("after-compute")));
  const input = (id: string) => plan.steps.find((s) => s.id === id)?.input as object;
  // On the copy before the sync; on the primary (bound to the rebuild's output) around DNS.
  assert.deepEqual(input("workflow:before-sync-back:quiesce"), {
    point: "before-sync-back",
    workflow: "quiesce",
    machines: { "i-bastion": "i-copy" },
  });
  assert.deepEqual(input("workflow:after-dns:announce"), {
    point: "after-dns",
    workflow: "announce",
    machines: { "i-bastion": { ref: "machine:i-bastion" } },
  });
  assert.equal(
    (input("sync-back:volume:vol-data") as { finalDelta: string }).finalDelta,
    "workflow",
  );
  validatePlan(plan);
  assert.ok(plan.steps.every((s) => s.idempotencyKey.startsWith("failback/run-1/")));
  // Nothing hydrated: nothing to sync, so before-sync-back has no place.
  const bare = planFailback({ ...request, workflows: { "before-sync-back": ["quiesce"] } });
  assert.ok(!bare.steps.some((s) => s.kind === "workflow"));
});

test("a volume the agent binds with mode cbt takes its final delta through the copy's CBT", () => {
  const inventory = shopInventory()
    .volume("vol-data", "i-bastion", "us-east-1a", "/dev/sdf")
    .volume("vol-logs", "i-bastion", "us-east-1a", "/dev/sdg")
    .build();
  const point = "ef".repeat(32);
  const plan = planFailback({
    ...request,
    inventory,
    hydrated: [
      { resource: "volume:vol-data", point, copyVolume: "vol-copy" },
      { resource: "volume:vol-logs", point, copyVolume: "vol-copy-logs" },
    ],
    cbtVolumes: { "vol-data": "tagged" },
    workflows: { "before-sync-back": ["quiesce"] },
  });
  const input = (id: string) =>
    plan.steps.find((s) => s.id === id)?.input as { finalDelta: string; cbt?: object };
  // CBT wins over the workflow (which still runs first: it quiesces the copy).
  assert.equal(input("sync-back:volume:vol-data").finalDelta, "cbt");
  assert.deepEqual(input("sync-back:volume:vol-data").cbt, {
    connection: "west",
    volume: "vol-copy",
    snapshots: "tagged",
  });
  assert.equal(input("sync-back:volume:vol-logs").finalDelta, "workflow");
  assert.equal(input("sync-back:volume:vol-logs").cbt, undefined);
  // No copy volume to read: no CBT.
  const unknown = planFailback({
    ...request,
    inventory,
    hydrated: [{ resource: "volume:vol-data", point, copyVolume: null }],
    cbtVolumes: { "vol-data": "create" },
  });
  const sync = unknown.steps.find((s) => s.kind === "sync-back")?.input as { finalDelta: string };
  assert.equal(sync.finalDelta, "none");
});

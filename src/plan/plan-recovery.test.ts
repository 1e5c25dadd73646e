import { strict as assert } from "node:assert";
import { test } from "node:test";
import { canonicalJson, isRef } from "../model/inventory/index.js";
import { planSchema, type Plan } from "../model/plan/index.js";
import { planOf, planShop, stepOf, waitsFor } from "../../test/builders/plan-helpers.js";
import { shopInventory, westFacts } from "../../test/builders/shop-inventory.js";
import { refsIn } from "./order-edges.js";

const full = planOf(planShop());
const ids = (plan: Plan) => plan.steps.map((s) => s.id);
/** The shop with a 100 GiB data volume attached to the bastion at /dev/sdf. */
const withDataVolume = (extra: { encrypted: boolean; kmsKey?: { ref: `kms-key:${string}` } }) =>
  shopInventory().add(
    "volume",
    "vol-data",
    {
      size: 100,
      volumeType: "gp3",
      ...extra,
      multiAttach: false,
      attachments: [
        { machine: { ref: "machine:i-bastion" }, device: "/dev/sdf", deleteOnTermination: false },
      ],
    },
    { zone: "us-east-1a" },
  );
const resources = (plan: Plan) =>
  [...new Set(plan.steps.flatMap((s) => (s.resource ? [s.resource] : [])))].sort();

test("groups that refer to each other are created empty, then get their rules", () => {
  const web = stepOf(full, "create:security-group:sg-web");
  const bastion = stepOf(full, "create:security-group:sg-bastion");
  assert.deepEqual(refsIn(web.input), ["network:vpc-1"]);
  assert.deepEqual(refsIn(bastion.input), ["network:vpc-1"]);
  const rules = stepOf(full, "configure:security-group:sg-web");
  assert.ok(refsIn(rules.input).includes("security-group:sg-bastion"));
  assert.ok(
    refsIn(stepOf(full, "configure:security-group:sg-bastion").input).includes(
      "security-group:sg-web",
    ),
  );
});

test("a new network's default group and main route table are adopted, never created", () => {
  assert.ok(ids(full).includes("adopt:security-group:sg-default"));
  assert.ok(ids(full).includes("adopt:route-table:rtb-main"));
  assert.ok(!ids(full).includes("create:security-group:sg-default"));
  assert.ok(!ids(full).includes("create:route-table:rtb-main"));
  // The default group keeps its name (it is the network's own) and still gets its rules.
  const adopt = stepOf(full, "adopt:security-group:sg-default");
  assert.equal(
    (adopt.input as { properties: { groupName: string } }).properties.groupName,
    "default",
  );
  assert.ok(waitsFor(full, "configure:security-group:sg-default", adopt.id));
  assert.equal(full.steps.filter((s) => s.id.startsWith("create:security-group:")).length, 4);
});

test("references alone order the rest: subnet, NAT, scaling group, listener, database", () => {
  const pairs: [string, string][] = [
    ["create:subnet:subnet-pub-a", "create:network:vpc-1"],
    ["create:nat-gateway:nat-1", "create:subnet:subnet-pub-a"],
    ["create:nat-gateway:nat-1", "create:address:eip-nat"],
    ["create:scaling-group:asg-web", "create:launch-template:lt-web"],
    ["create:scaling-group:asg-web", "create:target-group:tg-web"],
    ["create:listener:lst-http", "create:target-group:tg-web"],
    ["create:database:db-shop", "create:db-subnet-group:dbsg-shop"],
    ["create:internet-gateway:igw-1", "create:network:vpc-1"],
  ];
  for (const [later, earlier] of pairs)
    assert.ok(waitsFor(full, later, earlier), `${later} after ${earlier}`);
});

test("a machine's root volume and primary interface are adopted after it runs", () => {
  assert.ok(waitsFor(full, "adopt:volume:vol-root", "wait:machine:i-bastion"));
  assert.ok(waitsFor(full, "adopt:network-interface:eni-bastion", "wait:machine:i-bastion"));
  assert.ok(
    !ids(full).some(
      (id) => id.startsWith("create:volume:") || id.startsWith("create:network-interface:"),
    ),
  );
});

test("--only the web tier brings the closure it needs and nothing else", () => {
  const web = planOf(planShop({ selection: { kinds: ["scaling-group", "load-balancer"] } }));
  assert.deepEqual(resources(web), [
    "address:eip-nat",
    "image:ami-shop",
    "internet-gateway:igw-1",
    "launch-template:lt-web",
    "listener:lst-http",
    "load-balancer:alb-shop",
    "nat-gateway:nat-1",
    "network:vpc-1",
    "route-table:rtb-main",
    "route-table:rtb-priv",
    "route-table:rtb-pub",
    "scaling-group:asg-web",
    "security-group:sg-bastion",
    "security-group:sg-default",
    "security-group:sg-lb",
    "security-group:sg-web",
    "subnet:subnet-priv-a",
    "subnet:subnet-priv-b",
    "subnet:subnet-pub-a",
    "subnet:subnet-pub-b",
    "target-group:tg-web",
  ]);
});

test("--only by id selects like --only by kind, and an unknown id is a problem", () => {
  const byId = planOf(planShop({ selection: { ids: ["asg-web", "alb-shop"] } }));
  const byKind = planOf(planShop({ selection: { kinds: ["scaling-group", "load-balancer"] } }));
  assert.deepEqual(resources(byId), resources(byKind));
  const outcome = planShop({ selection: { ids: ["asg-nope"] } });
  assert.equal(outcome.ok, false);
  if (!outcome.ok) {
    assert.deepEqual(outcome.problems.map((p) => p.code).sort(), [
      "selection-empty",
      "selection-unknown-id",
    ]);
  }
});

test("a malformed selection is a problem, not a crash", () => {
  const outcome = planShop({
    selection: { kinds: ["spaceship"], deploy: { x: { capacity: -1 } } },
  });
  assert.equal(outcome.ok, false);
  if (!outcome.ok) {
    const invalid = outcome.problems.filter((p) => p.code === "selection-invalid");
    assert.equal(invalid.length, 2);
  }
});

test("a drill has no DNS step and leaves the public zone alone", () => {
  const drill = planOf(planShop({ mode: "drill" }));
  assert.equal(drill.steps.filter((s) => s.kind === "dns").length, 0);
  assert.ok(!resources(drill).some((id) => id.startsWith("dns-")));
  assert.equal(full.steps.filter((s) => s.kind === "dns").length, 1);
  // Only records that name a rebuilt resource move; the TXT record stays as it is.
  assert.ok(!ids(full).some((id) => id.endsWith("rec-txt")));
});

test("a record aliasing another record stays; one aliasing the load balancer moves", () => {
  const inventory = shopInventory()
    .add("dns-record", "rec-alias", {
      zone: { ref: "dns-zone:Z1" },
      recordName: "shop.example.com",
      type: "A",
      values: [],
      alias: { target: { ref: "dns-record:rec-www" }, evaluateTargetHealth: false },
    })
    .add("dns-record", "rec-mixed", {
      zone: { ref: "dns-zone:Z1" },
      recordName: "both.shop.example.com",
      type: "CNAME",
      ttl: 60,
      values: [{ ref: "dns-record:rec-txt" }, { ref: "load-balancer:alb-shop" }],
    })
    .build();
  const plan = planOf(planShop({ inventory }));
  assert.ok(!ids(plan).includes("dns:dns-record:rec-alias"));
  const mixed = stepOf(plan, "dns:dns-record:rec-mixed").input as {
    properties: { values: unknown[] };
  };
  assert.deepEqual(mixed.properties.values, [
    { external: "dns-record:rec-txt" },
    { ref: "load-balancer:alb-shop" },
  ]);
});

test("an isolated drill limits every group's egress to its own network", () => {
  const isolated = planShop({
    mode: "drill",
    isolateEgress: true,
    mapping: { cidrs: { "10.0.0.0/16": "10.30.0.0/16" } },
  });
  const plan = planOf(isolated);
  assert.equal(plan.isolateEgress, true);
  for (const step of plan.steps.filter((s) => s.id.startsWith("configure:security-group:"))) {
    const egress = (step.input as { egress: { peer: unknown }[] }).egress;
    assert.deepEqual(
      egress.map((e) => e.peer),
      ["10.30.0.0/16"],
      step.id,
    );
  }
  assert.equal(full.isolateEgress, undefined);
  const failover = planShop({ isolateEgress: true });
  assert.equal(failover.ok, false);
  if (!failover.ok)
    assert.deepEqual(
      failover.problems.map((p) => p.code),
      ["isolation-outside-drill"],
    );
});

test("a private zone is part of the rebuild, in a drill too", () => {
  const inventory = shopInventory()
    .dnsZone("Zint", "shop.internal", "vpc-1")
    .dnsRecord("rec-db", "Zint", "db.shop.internal", { values: ["10.0.10.5"] })
    .build();
  const drill = planOf(planShop({ inventory, mode: "drill" }));
  assert.ok(waitsFor(drill, "create:dns-record:rec-db", "create:dns-zone:Zint"));
  assert.ok(waitsFor(drill, "create:dns-zone:Zint", "create:network:vpc-1"));
});

test("the same request gives a byte-identical plan, whatever the input order", () => {
  const again = planOf(planShop());
  assert.equal(canonicalJson(again), canonicalJson(full));
  assert.equal(JSON.stringify(again), JSON.stringify(full));
  const reversed = shopInventory().build();
  const shuffled = { ...reversed, resources: [...reversed.resources].reverse() };
  assert.equal(JSON.stringify(planOf(planShop({ inventory: shuffled }))), JSON.stringify(full));
});

test("the plan id and idempotency keys are derived from the content", () => {
  assert.match(full.id, /^plan-[0-9a-f]{16}$/);
  const keys = full.steps.map((s) => s.idempotencyKey);
  assert.equal(new Set(keys).size, keys.length);
  for (const key of keys) assert.match(key, /^[0-9a-f]{40}$/);
  const other = planOf(planShop({ mapping: { nameSuffix: "-b" } }));
  assert.notEqual(other.id, full.id);
  assert.notEqual(other.steps[0]?.idempotencyKey, full.steps[0]?.idempotencyKey);
});

test("every reference in an input is bound by a step it depends on", () => {
  for (const step of full.steps) {
    for (const ref of refsIn(step.input)) {
      const binder = full.bindings[ref];
      assert.ok(binder, `${step.id} -> ${ref}`);
      assert.ok(binder === step.id || waitsFor(full, step.id, binder), `${step.id} -> ${binder}`);
    }
  }
});

test("the plan is valid against its schema and reads back equal", () => {
  assert.deepEqual(planSchema.parse(JSON.parse(JSON.stringify(full))), full);
});

test("steps are in wave order: every dependency comes earlier in the list", () => {
  const seen = new Set<string>();
  for (const step of full.steps) {
    for (const dep of step.dependsOn) assert.ok(seen.has(dep), `${step.id} after ${dep}`);
    seen.add(step.id);
  }
});

test("zones map by index by default; explicit entries win", () => {
  const subnetZone = (plan: Plan, id: string) =>
    (stepOf(plan, id).input as { location: { zone: string } }).location.zone;
  assert.equal(subnetZone(full, "create:subnet:subnet-pub-a"), "us-west-2a");
  assert.equal(subnetZone(full, "create:subnet:subnet-pub-b"), "us-west-2b");
  const mapped = planOf(planShop({ mapping: { zones: { "us-east-1b": "us-west-2c" } } }));
  // An explicit entry takes its zone out of the by-index default: 1a does not land on 2a twice.
  const swapped = planOf(planShop({ mapping: { zones: { "us-east-1b": "us-west-2a" } } }));
  assert.deepEqual(swapped.mapping.zones, {
    "us-east-1a": "us-west-2b",
    "us-east-1b": "us-west-2a",
  });
  assert.equal(subnetZone(mapped, "create:subnet:subnet-pub-b"), "us-west-2c");
  assert.deepEqual(mapped.mapping.zones, {
    "us-east-1a": "us-west-2a",
    "us-east-1b": "us-west-2c",
  });
});

test("a renumbered network moves its subnets by offset and drops private IPs", () => {
  const props = (plan: Plan, id: string) =>
    (stepOf(plan, id).input as { properties: Record<string, unknown> }).properties;
  assert.deepEqual(props(full, "create:machine:i-bastion").privateIps, ["10.0.0.10"]);
  const moved = planOf(planShop({ mapping: { cidrs: { "10.0.0.0/16": "10.20.0.0/16" } } }));
  assert.equal(props(moved, "create:network:vpc-1").cidrBlock, "10.20.0.0/16");
  assert.equal(props(moved, "create:subnet:subnet-priv-b").cidrBlock, "10.20.11.0/24");
  assert.deepEqual(props(moved, "create:machine:i-bastion").privateIps, []);
  const dropped = planOf(planShop({ mapping: { keepPrivateIps: false } }));
  assert.deepEqual(props(dropped, "create:machine:i-bastion").privateIps, []);
});

test("an instance type not offered is replaced by the first substitute offered everywhere", () => {
  const facts = westFacts({
    instanceTypes: {
      "us-west-2a": ["t3.small", "t3.large"],
      "us-west-2b": ["t3.micro", "t3.large"],
    },
  });
  const plan = planOf(
    planShop({ facts, mapping: { instanceTypes: { "t3.micro": ["t3.small", "t3.large"] } } }),
  );
  const machine = stepOf(plan, "create:machine:i-bastion").input as {
    properties: { instanceType: string };
  };
  assert.equal(machine.properties.instanceType, "t3.small");
  const template = stepOf(plan, "create:launch-template:lt-web").input as {
    properties: { versions: { data: { instanceType: string } }[] };
  };
  assert.equal(template.properties.versions[0]?.data.instanceType, "t3.large");
});

test("names get the suffix, everything gets Lifeboat's and the mapping's tags", () => {
  const plan = planOf(planShop({ mapping: { tags: { purpose: "dr" } } }));
  const input = stepOf(plan, "create:security-group:sg-web").input as {
    name: string;
    tags: Record<string, string>;
    properties: { groupName: string };
  };
  assert.equal(input.name, "sg-web-dr");
  assert.equal(input.properties.groupName, "shop-web-dr");
  assert.deepEqual(input.tags, {
    app: "shop",
    purpose: "dr",
    "lifeboat:environment": "shop",
    "lifeboat:source-id": "security-group:sg-web",
  });
});

test("a mapped image is adopted and used by its id; key pairs become target names", () => {
  const facts = westFacts({ images: [{ id: "ami-west", name: "shop" }], keyPairs: ["ops-west"] });
  const plan = planOf(
    planShop({
      facts,
      mapping: { images: { "ami-shop": "ami-west" }, keyPairs: { ops: "ops-west" } },
    }),
  );
  assert.ok(ids(plan).includes("adopt:image:ami-shop"));
  assert.ok(!ids(plan).includes("copy:image:ami-shop"));
  const machine = stepOf(plan, "create:machine:i-bastion").input as {
    properties: Record<string, unknown>;
  };
  assert.equal(machine.properties.image, "ami-west");
  assert.equal(machine.properties.keyPair, "ops-west");
});

test("references outside the plan become explicit externals, never unbound refs", () => {
  const inventory = withDataVolume({ encrypted: true, kmsKey: { ref: "kms-key:key-1" } })
    .external("kms-key:key-1")
    .build();
  const plan = planOf(planShop({ inventory }));
  const create = stepOf(plan, "create:volume:vol-data").input as {
    properties: Record<string, unknown>;
  };
  assert.deepEqual(create.properties.kmsKey, { external: "kms-key:key-1" });
  assert.equal(isRef(create.properties.kmsKey), false);
  assert.ok(waitsFor(plan, "configure:volume:vol-data", "wait:machine:i-bastion"));
});

test("deploy flags skip resources and size scaling groups", () => {
  const noDb = planOf(planShop({ selection: { deploy: { "db-shop": { skip: true } } } }));
  assert.ok(!resources(noDb).includes("database:db-shop"));
  const broken = planShop({ selection: { deploy: { "sg-web": { skip: true } } } });
  assert.equal(broken.ok, false);
  if (!broken.ok) assert.ok(broken.problems.every((p) => p.code === "dependency-skipped"));
  const pilot = planOf(planShop({ selection: { deploy: { "asg-web": { capacity: 0 } } } }));
  const group = stepOf(pilot, "create:scaling-group:asg-web").input as {
    properties: Record<string, number>;
  };
  assert.equal(group.properties.desiredCapacity, 0);
  assert.equal(group.properties.minSize, 0);
  assert.ok(!ids(pilot).includes("wait:scaling-group:asg-web"));
});

test("--only any single resource plans, closed and bound, in every mode", () => {
  const inventory = shopInventory().build();
  for (const r of inventory.resources) {
    for (const mode of ["failover", "drill"] as const) {
      const outcome = planShop({ inventory, mode, selection: { ids: [r.id] } });
      assert.ok(outcome.ok, `${r.id} ${mode}: ${JSON.stringify(!outcome.ok && outcome.problems)}`);
      const plan = outcome.plan;
      for (const step of plan.steps) {
        for (const ref of refsIn(step.input)) {
          const binder = plan.bindings[ref];
          assert.ok(binder && (binder === step.id || waitsFor(plan, step.id, binder)), step.id);
        }
      }
    }
  }
});

test("a data volume with a recovery point is hydrated, then attached; the root volume is not", () => {
  const inventory = withDataVolume({ encrypted: false }).build();
  const point = "ab".repeat(32);
  const plan = planOf(
    planShop({ inventory, volumeData: { "volume:vol-data": point, "volume:vol-root": point } }),
  );
  assert.ok(!ids(plan).includes("create:volume:vol-data"));
  const hydrate = stepOf(plan, "hydrate:volume:vol-data");
  assert.equal(plan.bindings["volume:vol-data"], hydrate.id);
  const input = hydrate.input as { data: { snapshot: string }; location: { zone: string } };
  assert.equal(input.data.snapshot, point);
  assert.equal(input.location.zone, "us-west-2a");
  assert.ok(waitsFor(plan, "configure:volume:vol-data", hydrate.id));
  assert.ok(waitsFor(plan, "configure:volume:vol-data", "wait:machine:i-bastion"));
  // A root volume is made by the machine's launch: adopted, never hydrated in place.
  assert.ok(ids(plan).includes("adopt:volume:vol-root"));
  assert.ok(!ids(plan).includes("hydrate:volume:vol-root"));
});

test("a pre-staged point rides on the hydrate step, and the plan says it is made from it", () => {
  const inventory = withDataVolume({ encrypted: false }).build();
  const snapshot = "cd".repeat(32);
  const staged = { snapshotId: "snap-0staged", region: "us-west-2" };
  const plan = planOf(
    planShop({ inventory, volumeData: { "volume:vol-data": { snapshot, staged } } }),
  );
  const hydrate = stepOf(plan, "hydrate:volume:vol-data");
  assert.deepEqual((hydrate.input as { data: unknown }).data, { snapshot, staged });
  assert.match(hydrate.summary, /pre-staged snap-0staged/);
});

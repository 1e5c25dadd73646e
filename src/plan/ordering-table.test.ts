import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { planOf, planShop, stepOf, waitsFor } from "../../test/builders/plan-helpers.js";
import { shopInventory } from "../../test/builders/shop-inventory.js";
import { orderingTable } from "./ordering-table.js";

const plan = planOf(planShop());
const tested = new Set<string>();
const rule = (id: string, body: () => void) => {
  tested.add(id);
  test(`ordering rule ${id}`, body);
};

rule("group-rules-after-all-groups", () => {
  // The web group's rules name the lb and bastion groups, but they wait for every group: the
  // db group is not referenced by them and is still created first.
  for (const group of ["sg-lb", "sg-web", "sg-db", "sg-bastion"]) {
    assert.ok(waitsFor(plan, "configure:security-group:sg-web", `create:security-group:${group}`));
  }
  assert.ok(waitsFor(plan, "configure:security-group:sg-web", "adopt:security-group:sg-default"));
});

rule("routes-after-gateways", () => {
  assert.ok(waitsFor(plan, "configure:route-table:rtb-priv", "wait:nat-gateway:nat-1"));
  assert.ok(waitsFor(plan, "configure:route-table:rtb-pub", "create:internet-gateway:igw-1"));
  // Creating the (empty) table needs no gateway.
  assert.equal(waitsFor(plan, "create:route-table:rtb-priv", "wait:nat-gateway:nat-1"), false);
});

rule("workloads-after-routes", () => {
  // The bastion lives in a public subnet yet waits for the private table too: same network.
  assert.ok(waitsFor(plan, "create:machine:i-bastion", "configure:route-table:rtb-priv"));
  assert.ok(waitsFor(plan, "create:database:db-shop", "configure:route-table:rtb-pub"));
  assert.ok(waitsFor(plan, "create:scaling-group:asg-web", "configure:route-table:rtb-priv"));
});

test("a route through a NAT instance is set after that instance runs, not before it", () => {
  const inventory = shopInventory()
    .machine("i-nat", { subnet: "subnet-pub-b", zone: "us-east-1b", groups: [], image: "ami-shop" })
    .networkInterface("eni-nat", "subnet-pub-b", "us-east-1b", { machine: "i-nat", deviceIndex: 0 })
    .routeTable("rtb-legacy", "vpc-1", {
      routes: { "192.168.0.0/16": "network-interface:eni-nat" },
    })
    .build();
  const withNat = planOf(planShop({ inventory }));
  assert.ok(waitsFor(withNat, "configure:route-table:rtb-legacy", "wait:machine:i-nat"));
  assert.equal(
    waitsFor(withNat, "create:machine:i-nat", "configure:route-table:rtb-legacy"),
    false,
  );
  // Other machines still wait for every route table of the network.
  assert.ok(waitsFor(withNat, "create:machine:i-bastion", "configure:route-table:rtb-legacy"));
});

rule("workloads-after-firewall-rules", () => {
  assert.ok(waitsFor(plan, "create:load-balancer:alb-shop", "configure:security-group:sg-lb"));
  assert.ok(waitsFor(plan, "create:machine:i-bastion", "configure:security-group:sg-bastion"));
  assert.ok(waitsFor(plan, "create:database:db-shop", "configure:security-group:sg-db"));
  // Through its launch template, the scaling group waits for the web group's rules...
  assert.ok(waitsFor(plan, "create:scaling-group:asg-web", "configure:security-group:sg-web"));
  // ...but a load balancer does not wait for the rules of a group it never uses.
  assert.equal(
    waitsFor(plan, "create:load-balancer:alb-shop", "configure:security-group:sg-db"),
    false,
  );
});

rule("scaling-group-after-listeners", () => {
  // The group refers to the target group only; the listener forwarding to it comes first.
  assert.ok(waitsFor(plan, "create:scaling-group:asg-web", "create:listener:lst-http"));
});

rule("references-wait-for-readiness", () => {
  const inventory = shopInventory().targetGroup("tg-admin", "vpc-1", ["i-bastion"]).build();
  const withTargets = planOf(planShop({ inventory }));
  assert.ok(waitsFor(withTargets, "register:target-group:tg-admin", "wait:machine:i-bastion"));
  assert.ok(waitsFor(plan, "create:launch-template:lt-web", "wait:image:ami-shop"));
  assert.ok(waitsFor(plan, "create:machine:i-bastion", "wait:image:ami-shop"));
  assert.ok(waitsFor(plan, "configure:address:eip-bastion", "wait:machine:i-bastion"));
  assert.ok(waitsFor(plan, "create:listener:lst-http", "wait:load-balancer:alb-shop"));
});

rule("dns-last", () => {
  const dns = stepOf(plan, "dns:dns-record:rec-www");
  for (const step of plan.steps) {
    if (step.kind !== "dns") assert.ok(waitsFor(plan, dns.id, step.id), step.id);
  }
  assert.equal(plan.steps.at(-1)?.kind, "dns");
});

test("every rule of the ordering table has a test above, and a reason", () => {
  assert.deepEqual(
    orderingTable.map((r) => r.id),
    [...tested],
  );
  for (const r of orderingTable) assert.ok(r.reason.length > 20, r.id);
});

test("docs/recovery-plan.md lists every rule with its reason", () => {
  const doc = readFileSync(new URL("../../../docs/recovery-plan.md", import.meta.url), "utf8");
  for (const r of orderingTable) {
    assert.ok(doc.includes(`| \`${r.id}\` |`), r.id);
    assert.ok(doc.includes(r.reason), r.id);
  }
});

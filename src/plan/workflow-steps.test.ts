import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { Plan } from "../model/plan/index.js";
import { validatePlan } from "../execute/execution-plan.js";
import { planOf, planShop, stepOf, waitsFor } from "../../test/builders/plan-helpers.js";
import type { FailoverOptions } from "./failover-plan.js";

const failover: FailoverOptions = {
  sourceConnection: "east",
  fence: true,
  verify: { url: "http://{dnsName}/health", timeoutSeconds: 60, everySeconds: 5 },
  approval: { timeoutSeconds: 600 },
  dns: { zone: "shop.example.com", records: ["www.shop.example.com"] },
};
const workflows = {
  "before-network": ["prepare"],
  "after-compute": ["smoke", "warm"],
  verify: ["deep-check"],
  "before-dns": ["gate"],
  "after-dns": ["announce"],
};
const rebuild = (plan: Plan) =>
  plan.steps.filter((s) => ["create", "adopt", "copy", "configure", "wait"].includes(s.kind));

test("a failover plan holds a workflow step at every point, in order, with the right edges", () => {
  const plan = planOf(planShop({ mode: "failover", failover, workflows }));
  assert.doesNotThrow(() => validatePlan(plan));
  const w = (point: string, name: string) => `workflow:${point}:${name}`;
  assert.equal(stepOf(plan, w("after-compute", "smoke")).kind, "workflow");
  // before-network: nothing is made in the target before it.
  for (const step of rebuild(plan))
    assert.ok(waitsFor(plan, step.id, w("before-network", "prepare")), step.id);
  // after-compute: after every machine and scaling group step; two workflows run in list order.
  for (const step of plan.steps.filter((s) => s.resourceKind === "machine")) {
    assert.ok(waitsFor(plan, w("after-compute", "smoke"), step.id), step.id);
  }
  assert.deepEqual(stepOf(plan, w("after-compute", "warm")).dependsOn, [
    w("after-compute", "smoke"),
  ]);
  assert.ok(waitsFor(plan, "verify:endpoint", w("after-compute", "warm")));
  // verify: with the endpoint check; approval and DNS wait for it.
  assert.deepEqual(stepOf(plan, w("verify", "deep-check")).dependsOn, ["verify:endpoint"]);
  assert.ok(waitsFor(plan, "approval:dns", w("verify", "deep-check")));
  // before-dns / after-dns surround the DNS move; the primary is fenced only after after-dns.
  assert.ok(waitsFor(plan, w("before-dns", "gate"), "approval:dns"));
  assert.ok(waitsFor(plan, "dns-move:records", w("before-dns", "gate")));
  assert.ok(waitsFor(plan, w("after-dns", "announce"), "dns-move:records"));
  assert.ok(waitsFor(plan, "fence:source", w("after-dns", "announce")));
  assert.ok(waitsFor(plan, "mark:failed-over", w("after-dns", "announce")));
  assert.deepEqual(stepOf(plan, w("after-compute", "smoke")).input, {
    point: "after-compute",
    workflow: "smoke",
    machines: { "i-bastion": { ref: "machine:i-bastion" } },
  });
  assert.deepEqual(
    (stepOf(plan, w("before-network", "prepare")).input as { machines: object }).machines,
    {},
  );
});

test("a drill has no DNS points: workflows there add no step; the others still attach", () => {
  const plan = planOf(planShop({ mode: "drill", workflows }));
  assert.doesNotThrow(() => validatePlan(plan));
  const ids = plan.steps.filter((s) => s.kind === "workflow").map((s) => s.id);
  assert.deepEqual(ids.sort(), [
    "workflow:after-compute:smoke",
    "workflow:after-compute:warm",
    "workflow:before-network:prepare",
    "workflow:verify:deep-check",
  ]);
  // Without a verify step, the verify workflow runs once the rebuild and after-compute are done.
  assert.ok(waitsFor(plan, "workflow:verify:deep-check", "workflow:after-compute:warm"));
  for (const step of rebuild(plan))
    assert.ok(waitsFor(plan, "workflow:verify:deep-check", step.id), step.id);
});

test("the same request gives the same plan, and no workflows give the plan without them", () => {
  const a = planOf(planShop({ mode: "failover", failover, workflows }));
  const b = planOf(planShop({ mode: "failover", failover, workflows }));
  assert.equal(a.id, b.id);
  const none = planOf(planShop({ mode: "failover", failover }));
  assert.equal(planOf(planShop({ mode: "failover", failover, workflows: {} })).id, none.id);
  assert.notEqual(a.id, none.id);
});

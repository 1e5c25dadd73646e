import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { Inventory, JsonValue, Resource } from "../model/inventory/index.js";
import type { Plan } from "../model/plan/index.js";
import { planOf, planShop } from "../../test/builders/plan-helpers.js";
import { compareRecovery } from "./verify-recovery.js";

const now = new Date("2026-11-22T02:00:00Z");

/** What a perfect recovery of `plan` looks like when captured: specs with target ids. */
function perfectCopy(plan: Plan): Resource[] {
  const targetId = new Map<string, string>();
  const bound = plan.steps.filter((s) => plan.bindings[s.resource!] === s.id);
  bound.forEach((s, i) => targetId.set(s.resource!, `${s.resourceKind}:t-${i}`));
  const rebind = (value: JsonValue): JsonValue => {
    if (Array.isArray(value)) return value.map(rebind);
    if (typeof value === "object" && value !== null) {
      if (typeof value.ref === "string") return { ref: targetId.get(value.ref) ?? value.ref };
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebind(v)]));
    }
    return value;
  };
  return bound.map((s) => {
    const spec = s.input as { [key: string]: JsonValue };
    return {
      id: targetId.get(s.resource!),
      kind: s.resourceKind,
      providerId: `t-${s.resource}`,
      name: spec.name ?? s.resource,
      location: spec.location ?? { region: "us-west-2" },
      tags: {
        ...((spec.tags ?? {}) as object),
        "lifeboat:source-id": s.resource,
        "lifeboat:run": "run-1",
      },
      properties: rebind(spec.properties ?? {}),
    } as unknown as Resource;
  });
}

function inventoryOf(resources: Resource[]): Inventory {
  return { resources, externals: [] } as unknown as Inventory;
}

const plan = planOf(planShop());

test("a perfect copy is equivalent; every created resource is compared", () => {
  const v = compareRecovery(plan, inventoryOf(perfectCopy(plan)), now);
  assert.deepEqual(v.differences, []);
  assert.equal(v.result, "equivalent");
  const made = plan.steps.filter(
    (s) => plan.bindings[s.resource!] === s.id && (s.kind === "create" || s.kind === "copy"),
  );
  assert.equal(v.checked, made.length);
  assert.ok(v.checked > 10);
});

test("a changed CIDR, a missing and a duplicated resource are differences with paths", () => {
  const copy = perfectCopy(plan);
  const [subnet, other] = copy.filter((r) => r.kind === "subnet");
  const network = copy.find((r) => r.kind === "network");
  assert.ok(subnet?.kind === "subnet" && network && other);
  const changed = { ...subnet, properties: { ...subnet.properties, cidrBlock: "10.99.0.0/24" } };
  const resources = [
    ...copy.filter((r) => r !== subnet && r !== network),
    changed,
    { ...other, id: `${other.id}-again` } as Resource,
  ];
  const v = compareRecovery(plan, inventoryOf(resources), now);
  assert.equal(v.result, "different");
  const paths = v.differences.map((d) => `${d.resource.split(":")[0]} ${d.path}`);
  assert.ok(paths.includes("subnet properties.cidrBlock"), paths.join("\n"));
  assert.ok(paths.includes("network missing"), paths.join("\n"));
  assert.ok(paths.includes("subnet duplicated"), paths.join("\n"));
});

test("what cannot match by design is ignored: DNS names, ARNs, list order of subnets", () => {
  const copy = perfectCopy(plan).map((r) => {
    const p = r.properties as { [key: string]: JsonValue };
    const next: { [key: string]: JsonValue } = { ...p };
    if ("dnsName" in p) next.dnsName = "other-1.us-west-2.elb.amazonaws.com";
    if ("arn" in p) next.arn = "arn:aws:other";
    if (Array.isArray(p.subnets)) next.subnets = [...p.subnets].reverse();
    return { ...r, properties: next } as Resource;
  });
  const v = compareRecovery(plan, inventoryOf(copy), now);
  assert.deepEqual(v.differences, []);
});

test("a reference to the wrong copy is a difference, shown by source id", () => {
  const copy = perfectCopy(plan);
  const subnets = copy.filter((r) => r.kind === "subnet");
  const machineOrTemplate = copy.find(
    (r) => r.kind === "machine" && (r.properties as { subnet?: unknown }).subnet !== undefined,
  );
  assert.ok(machineOrTemplate && subnets.length >= 2);
  const current = (machineOrTemplate.properties as { subnet: { ref: string } }).subnet.ref;
  const other = subnets.find((s) => s.id !== current)!;
  const moved = {
    ...machineOrTemplate,
    properties: { ...machineOrTemplate.properties, subnet: { ref: other.id } },
  } as Resource;
  const v = compareRecovery(
    plan,
    inventoryOf(copy.map((r) => (r === machineOrTemplate ? moved : r))),
    now,
  );
  const d = v.differences.find((x) => x.path === "properties.subnet");
  assert.ok(d, JSON.stringify(v.differences));
  assert.deepEqual(d.actual, { ref: other.tags["lifeboat:source-id"] });
});

import { strict as assert } from "node:assert";
import { test } from "node:test";
import { diffInventories, isEmptyDiff } from "./diff.js";
import { sampleGroup, sampleNetwork } from "./test-resources.js";

const inv = (resources: ReturnType<typeof sampleGroup | typeof sampleNetwork>[]) => ({
  resources,
  externals: [],
});

test("identical inventories have an empty diff", () => {
  const a = inv([sampleNetwork(), sampleGroup()]);
  assert.equal(isEmptyDiff(diffInventories(a, a)), true);
});

test("added and removed resources are listed by id, kind and name", () => {
  const diff = diffInventories(inv([sampleNetwork()]), inv([sampleGroup()]));
  assert.deepEqual(diff.added, [
    { id: "security-group:sg-1", kind: "security-group", name: "web" },
  ]);
  assert.deepEqual(diff.removed, [{ id: "network:vpc-1", kind: "network", name: "shop" }]);
  assert.deepEqual(diff.changed, []);
});

test("a changed scalar and a changed tag are reported with paths and both values", () => {
  const before = sampleNetwork();
  const after = { ...before, tags: { app: "shop", env: "prod" } };
  after.properties = { ...before.properties, cidrBlock: "10.1.0.0/16" };
  const [change] = diffInventories(inv([before]), inv([after])).changed;
  assert.deepEqual(change?.changes, [
    { path: "properties.cidrBlock", old: "10.0.0.0/16", new: "10.1.0.0/16" },
    { path: "tags.env", new: "prod" },
  ]);
});

test("an added rule is one added item of the rule list, not a shifted list", () => {
  const diff = diffInventories(inv([sampleGroup([22, 443])]), inv([sampleGroup([22, 443, 80])]));
  assert.deepEqual(diff.changed[0]?.changes, [
    {
      path: "properties.ingress[]",
      new: { protocol: "tcp", fromPort: 80, toPort: 80, peer: "0.0.0.0/0" },
    },
  ]);
});

test("a same-length list is compared item by item", () => {
  const diff = diffInventories(inv([sampleGroup([22])]), inv([sampleGroup([23])]));
  assert.deepEqual(diff.changed[0]?.changes, [
    { path: "properties.ingress[0].fromPort", old: 22, new: 23 },
    { path: "properties.ingress[0].toPort", old: 22, new: 23 },
  ]);
});

test("a changed external and a changed selection are reported, so a new digest is never an empty diff", () => {
  const external = (reason: "other-owner" | "not-found") => ({
    id: "image:ami-1" as const,
    kind: "image" as const,
    providerId: "ami-1",
    reason,
    hints: {},
  });
  const diff = diffInventories(
    { resources: [], externals: [external("other-owner")], selection: { tags: { app: "a" } } },
    { resources: [], externals: [external("not-found")], selection: { tags: { app: "b" } } },
  );
  assert.deepEqual(diff.externalsChanged, [
    { id: "image:ami-1", changes: [{ path: "reason", old: "other-owner", new: "not-found" }] },
  ]);
  assert.deepEqual(diff.header, [{ path: "selection.tags.app", old: "a", new: "b" }]);
  assert.equal(isEmptyDiff(diff), false);
});

import { strict as assert } from "node:assert";
import { test } from "node:test";
import { BugError } from "../errors.js";
import { buildInventory, countsByKind, inventoryDigest, inventorySchema } from "./inventory.js";
import { parseLogicalId } from "./logical-id.js";
import { referencesOf } from "./references.js";
import { sampleGroup, sampleNetwork, sampleResources } from "./test-resources.js";

const input = {
  provider: "aws",
  account: "123456789012",
  region: "us-east-1",
  selection: { tags: { app: "shop" } },
  externals: [
    {
      id: "security-group:sg-2" as const,
      kind: "security-group" as const,
      providerId: "sg-2",
      reason: "outside-selection" as const,
      hints: {},
    },
  ],
};

test("an inventory is sorted by id and its digest ignores input order", () => {
  const one = buildInventory({ ...input, resources: sampleResources() });
  const two = buildInventory({ ...input, resources: [...sampleResources()].reverse() });
  assert.deepEqual(
    one.resources.map((r) => r.id),
    ["network:vpc-1", "security-group:sg-1"],
  );
  assert.equal(inventoryDigest(one), inventoryDigest(two));
  assert.deepEqual(countsByKind(one), { network: 1, "security-group": 1 });
});

test("a changed property changes the digest", () => {
  const one = buildInventory({ ...input, resources: [sampleNetwork(), sampleGroup([443])] });
  const two = buildInventory({ ...input, resources: [sampleNetwork(), sampleGroup([443, 22])] });
  assert.notEqual(inventoryDigest(one), inventoryDigest(two));
});

test("a reference that resolves to nothing is a bug in the capture", () => {
  assert.throws(
    () => buildInventory({ ...input, externals: [], resources: sampleResources() }),
    BugError,
  );
});

test("references are found with their field paths", () => {
  assert.deepEqual(referencesOf(sampleGroup()), [
    { path: "network", target: "network:vpc-1" },
    { path: "egress[0].peer", target: "security-group:sg-2" },
  ]);
});

test("the schema rejects unknown fields and bad logical ids", () => {
  const good = buildInventory({ ...input, resources: sampleResources() });
  const extra = { ...good, resources: [{ ...sampleNetwork(), surprise: 1 }] };
  assert.equal(inventorySchema.safeParse(extra).success, false);
  const badId = { ...good, resources: [{ ...sampleNetwork(), id: "vpc-1" }] };
  assert.equal(inventorySchema.safeParse(badId).success, false);
  assert.deepEqual(parseLogicalId("dns-record:Z1/www.example.com./A"), {
    kind: "dns-record",
    providerId: "Z1/www.example.com./A",
  });
});

import { strict as assert } from "node:assert";
import { test } from "node:test";
import { accessNameSchema, roleAllows } from "./access.js";

test("roles are ordered viewer < operator < approver < admin", () => {
  assert.equal(roleAllows("viewer", "viewer"), true);
  assert.equal(roleAllows("viewer", "operator"), false);
  assert.equal(roleAllows("operator", "viewer"), true);
  assert.equal(roleAllows("operator", "approver"), false);
  assert.equal(roleAllows("approver", "operator"), true);
  assert.equal(roleAllows("admin", "approver"), true);
});

test("tenant and token names are checked", () => {
  assert.equal(accessNameSchema.safeParse("team-a").success, true);
  assert.equal(accessNameSchema.safeParse("-bad").success, false);
  assert.equal(accessNameSchema.safeParse("a b").success, false);
});

import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isExternal, stepId, stepSchema } from "./step.js";

test("a step id is the step kind and the resource's logical id", () => {
  assert.equal(stepId("create", "subnet:subnet-abc"), "create:subnet:subnet-abc");
});

test("an external value is exactly one `external` key with a string", () => {
  assert.equal(isExternal({ external: "kms-key:k1" }), true);
  assert.equal(isExternal({ ref: "kms-key:k1" }), false);
  assert.equal(isExternal({ external: "kms-key:k1", extra: 1 }), false);
  assert.equal(isExternal(["kms-key:k1"]), false);
});

test("the step schema rejects unknown keys and a gate without a timeout", () => {
  const step = {
    id: "wait:machine:i-1",
    kind: "wait",
    resource: "machine:i-1",
    resourceKind: "machine",
    summary: "wait",
    dependsOn: ["create:machine:i-1"],
    idempotencyKey: "k",
    input: { resource: { ref: "machine:i-1" } },
    gate: { condition: "machine-running", timeoutSeconds: 600 },
  };
  assert.equal(stepSchema.safeParse(step).success, true);
  assert.equal(stepSchema.safeParse({ ...step, surprise: 1 }).success, false);
  assert.equal(
    stepSchema.safeParse({ ...step, gate: { condition: "machine-running" } }).success,
    false,
  );
});

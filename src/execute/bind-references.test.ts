import { strict as assert } from "node:assert";
import { test } from "node:test";
import { BugError } from "../model/errors.js";
import { bindReferences } from "./bind-references.js";

test("references become the target ids their binding steps output", () => {
  const outputs = new Map([["create:network:n", { id: "vpc-9" }]]);
  const bindings = { "network:n": "create:network:n" };
  assert.deepEqual(
    bindReferences(
      { vpc: { ref: "network:n" }, list: [{ ref: "network:n" }, 1] },
      bindings,
      outputs,
    ),
    { vpc: "vpc-9", list: ["vpc-9", 1] },
  );
  assert.deepEqual(bindReferences({ ref: "x", other: 1 }, bindings, outputs), {
    ref: "x",
    other: 1,
  });
});

test("a binding step without an id output is a bug, not a silent literal", () => {
  assert.throws(
    () => bindReferences({ ref: "network:n" }, { "network:n": "s" }, new Map([["s", {}]])),
    BugError,
  );
});

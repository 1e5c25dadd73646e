import { strict as assert } from "node:assert";
import { test } from "node:test";
import { BugError } from "../errors.js";
import { canonicalJson, digestOf } from "./canonical-json.js";

test("canonical JSON sorts keys at every depth and drops undefined members", () => {
  const a = { b: 1, a: { y: [1, { d: 2, c: 3 }], x: undefined } };
  assert.equal(canonicalJson(a), '{"a":{"y":[1,{"c":3,"d":2}]},"b":1}');
});

test("equal values in a different key order give the same digest", () => {
  assert.equal(digestOf({ a: 1, b: "x" }), digestOf({ b: "x", a: 1 }));
  assert.notEqual(digestOf({ a: 1 }), digestOf({ a: 2 }));
  assert.match(digestOf({}), /^sha256:[0-9a-f]{64}$/);
});

test("values that are not plain JSON are a bug, not silently coerced", () => {
  assert.throws(() => canonicalJson({ when: new Date(0) }), BugError);
  assert.throws(() => canonicalJson([undefined]), BugError);
  assert.throws(() => canonicalJson({ n: Number.NaN }), BugError);
});

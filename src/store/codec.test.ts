import { strict as assert } from "node:assert";
import { test } from "node:test";
import { z } from "zod";
import { BugError, isLifeboatError } from "../model/errors.js";
import {
  decodeJson,
  decodeTime,
  encodeJson,
  encodeOptionalTime,
  encodeTime,
  patched,
} from "./codec.js";

const where = { table: "runs", column: "plan_json", key: "r1" };

test("timestamps are epoch milliseconds and come back as the same instant", () => {
  const date = new Date("2026-05-06T07:08:09.123Z");
  assert.equal(encodeTime(date), date.getTime());
  assert.deepEqual(decodeTime(encodeTime(date), where), date);
  assert.throws(() => encodeTime(new Date("nope")), BugError);
  assert.throws(
    () => decodeTime("12", where),
    (e) => isLifeboatError(e, "LB_STORE_CORRUPT"),
  );
});

test("JSON that would not round-trip is refused on the way in", () => {
  for (const value of [undefined, Number.NaN, { a: undefined }, { d: new Date() }, [Infinity]]) {
    assert.throws(
      () => encodeJson(value),
      (e) => isLifeboatError(e, "LB_INVALID_INPUT"),
    );
  }
  assert.throws(
    () => encodeJson({ n: -1 }, z.object({ n: z.number().nonnegative() })),
    (e) => isLifeboatError(e, "LB_INVALID_INPUT"),
  );
  assert.equal(encodeJson({ a: [1, "x", null] }), '{"a":[1,"x",null]}');
});

test("stored JSON is validated on the way out, naming table, column and key", () => {
  const schema = z.object({ n: z.number() });
  assert.deepEqual(decodeJson('{"n":1}', schema, where), { n: 1 });
  for (const text of ['{"n":"1"}', "{broken", 42]) {
    assert.throws(
      () => decodeJson(text, schema, where),
      (e) => isLifeboatError(e, "LB_STORE_CORRUPT") && e.details.column === "plan_json",
    );
  }
});

test("a patch field left undefined leaves its column; null clears it; a value is encoded", () => {
  const date = new Date("2026-05-06T07:08:09.123Z");
  assert.equal(patched(undefined, encodeOptionalTime), undefined);
  assert.equal(patched(null, encodeOptionalTime), null);
  assert.equal(patched(date, encodeOptionalTime), date.getTime());
});

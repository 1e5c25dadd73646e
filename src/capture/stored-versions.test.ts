import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "../model/errors.js";
import { parseVersionRef } from "./stored-versions.js";

test("a version ref is a number, latest, or an ISO-8601 time", () => {
  assert.deepEqual(parseVersionRef("3"), { version: 3 });
  assert.deepEqual(parseVersionRef("latest"), { latest: true });
  assert.deepEqual(parseVersionRef("2026-11-22T01:00:00Z"), {
    at: new Date("2026-11-22T01:00:00Z"),
  });
  assert.deepEqual(parseVersionRef("2026-11-22"), { at: new Date("2026-11-22T00:00:00Z") });
});

test("anything else is LB_USAGE naming the argument", () => {
  for (const text of [
    "0",
    "-1",
    "1.5",
    "one",
    "yesterday",
    "2026-13-45",
    "",
    "99999999999999999",
  ]) {
    assert.throws(
      () => parseVersionRef(text, "from"),
      (e) => isLifeboatError(e, "LB_USAGE") && e.message.startsWith(`from "${text}"`),
      text,
    );
  }
});

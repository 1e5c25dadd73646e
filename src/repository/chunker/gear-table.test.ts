import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "../../model/errors.js";
import { deriveGearTable } from "./gear-table.js";
import { GOLDEN_KEY } from "./golden-input.js";

test("the gear table for the golden key is pinned (a format commitment)", () => {
  const gear = deriveGearTable(GOLDEN_KEY);
  assert.equal(gear.length, 256);
  assert.deepEqual(
    [gear[0], gear[1], gear[2], gear[255]],
    [1380857038, 1837037341, -567874190, 506763744],
  );
});

test("different keys give different gear tables", () => {
  const other = deriveGearTable(new Uint8Array(32).fill(7));
  assert.notDeepEqual(Array.from(other), Array.from(deriveGearTable(GOLDEN_KEY)));
  assert.equal(new Set(other).size, 256, "gear values are distinct");
});

test("a key that is not 32 bytes is rejected with LB_INVALID_INPUT", () => {
  assert.throws(
    () => deriveGearTable(new Uint8Array(16)),
    (error: unknown) => isLifeboatError(error, "LB_INVALID_INPUT"),
  );
});

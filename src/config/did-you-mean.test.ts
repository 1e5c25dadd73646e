import { strict as assert } from "node:assert";
import { test } from "node:test";
import { closestMatch } from "./did-you-mean.js";

test("closestMatch suggests near misses and nothing for unrelated words", () => {
  const keys = ["region", "endpoint", "type", "credentials"];
  assert.equal(closestMatch("regoin", keys), "region");
  assert.equal(closestMatch("Region", keys), "region");
  assert.equal(closestMatch("endpiont", keys), "endpoint");
  assert.equal(closestMatch("typ", keys), "type");
  assert.equal(closestMatch("zzz", keys), undefined);
  assert.equal(closestMatch("anything", []), undefined);
});

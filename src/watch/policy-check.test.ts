import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "../model/errors.js";
import { normalizeFailoverPolicy } from "../model/failover-policy.js";
import { checkPolicy, requiredQuorum } from "./policy-check.js";

test("quorums resolve against the number of probes a rule listens to", () => {
  assert.equal(requiredQuorum("majority", 1), 1);
  assert.equal(requiredQuorum("majority", 2), 2);
  assert.equal(requiredQuorum("majority", 3), 2);
  assert.equal(requiredQuorum("all", 3), 3);
  assert.equal(requiredQuorum(2, 5), 2);
});

test("a rule that could never fire is a configuration error", () => {
  const cases = [
    normalizeFailoverPolicy({ action: "alert", quorum: 3 }),
    normalizeFailoverPolicy({
      rules: [{ name: "r", codes: ["APP_DOWN"], probes: ["nope"], action: "alert" }],
    }),
  ];
  for (const policy of cases) {
    assert.throws(
      () => checkPolicy(policy, ["a", "b"]),
      (e) => isLifeboatError(e, "LB_CONFIG_INVALID"),
    );
  }
  assert.throws(
    () => checkPolicy(normalizeFailoverPolicy({ action: "alert" }), []),
    (e) => isLifeboatError(e, "LB_CONFIG_INVALID"),
  );
  checkPolicy(normalizeFailoverPolicy({ action: "alert", quorum: 2 }), ["a", "b"]);
});

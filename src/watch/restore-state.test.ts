import { strict as assert } from "node:assert";
import { test } from "node:test";
import { ManualClock } from "../model/clock.js";
import { normalizeFailoverPolicy, type WatchDecision } from "../model/failover-policy.js";
import { probeResult, type ProbeStatusCode } from "../model/probe-status.js";
import { evaluatePolicy } from "./evaluate-policy.js";
import { restorePolicyState } from "./restore-state.js";
import type { PolicyState } from "./policy-state.js";

const policy = normalizeFailoverPolicy({ action: "alert", after: 2, recoverAfter: 2, quorum: 1 });

function feed(state: PolicyState, clock: ManualClock, codes: ProbeStatusCode[]) {
  const decisions: WatchDecision[] = [];
  for (const code of codes) {
    const result = probeResult("web", code, clock.now(), 1, "test");
    const step = evaluatePolicy(policy, state, { environment: "shop", result, now: clock.now() });
    state = step.state;
    decisions.push(...step.decisions);
    clock.advance(10_000);
  }
  return { state, decisions };
}

test("after a restart an open incident is not acted on again, and still clears", () => {
  const clock = new ManualClock();
  const before = feed(restorePolicyState(["web"], []), clock, ["APP_DOWN", "APP_DOWN"]);
  assert.equal(before.decisions.length, 1);

  const restarted = restorePolicyState(["web"], before.decisions);
  assert.equal(restarted.incident?.id, before.decisions[0]?.incidentId);
  const after = feed(restarted, clock, ["APP_DOWN", "APP_DOWN", "APP_DOWN", "OK", "OK"]);
  assert.deepEqual(
    after.decisions.map((d) => d.kind),
    ["recovered"],
  );
  assert.equal(after.decisions[0]?.incidentId, before.decisions[0]?.incidentId);
});

test("a recovered incident leaves only the cooldown behind", () => {
  const clock = new ManualClock();
  const first = feed(restorePolicyState(["web"], []), clock, ["APP_DOWN", "APP_DOWN", "OK", "OK"]);
  assert.deepEqual(
    first.decisions.map((d) => d.kind),
    ["action", "recovered"],
  );
  const restarted = restorePolicyState(["web"], first.decisions);
  assert.equal(restarted.incident, null);
  const again = feed(restarted, clock, ["APP_DOWN", "APP_DOWN"]);
  assert.deepEqual(
    again.decisions.map((d) => `${d.kind}:${d.reasons.at(-1)?.code ?? ""}`),
    ["suppressed:COOLDOWN"],
  );
});

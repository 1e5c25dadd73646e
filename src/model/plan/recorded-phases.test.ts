import { strict as assert } from "node:assert";
import { test } from "node:test";
import { BugError } from "../errors.js";
import { runPhases, stepPhases } from "./phases.js";
import {
  machineRunPhase,
  recordedRunPhase,
  recordedRunPhases,
  recordedStepPhase,
  recordedStepPhases,
} from "./recorded-phases.js";

test("the recorded phase strings are the ones stores already hold", () => {
  assert.deepEqual(
    [...recordedRunPhases],
    ["pending", "running", "paused", "succeeded", "failed", "cancelling", "cancelled"],
  );
  assert.deepEqual(
    [...recordedStepPhases],
    ["pending", "running", "succeeded", "failed", "skipped", "cancelled"],
  );
});

test("a run's machine phase survives being recorded and read back; teardown phases are not recorded", () => {
  const teardown = ["tearing-down", "torn-down", "teardown-failed"];
  for (const phase of runPhases) {
    if (teardown.includes(phase)) {
      assert.throws(() => recordedRunPhase(phase), BugError);
      continue;
    }
    assert.equal(machineRunPhase(recordedRunPhase(phase)), phase);
  }
  assert.equal(recordedRunPhase("planned"), "pending");
  assert.throws(() => machineRunPhase("paused"), BugError);
});

test("a step waiting or backing off is recorded as running", () => {
  for (const phase of stepPhases) {
    const recorded = recordedStepPhase(phase);
    assert.ok(recordedStepPhases.includes(recorded));
    assert.equal(recorded, phase === "waiting" || phase === "retrying" ? "running" : phase);
  }
});

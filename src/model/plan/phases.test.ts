import { strict as assert } from "node:assert";
import { test } from "node:test";
import { BugError } from "../errors.js";
import {
  allowedTransitions,
  isTerminal,
  runPhases,
  stepPhases,
  transition,
  type StepEvent,
  type StepPhase,
} from "./phases.js";

test("a step runs, waits on its gate and succeeds", () => {
  let phase: StepPhase = "pending";
  for (const event of ["start", "gate", "succeed"] as StepEvent[]) {
    phase = transition("step", phase, event);
  }
  assert.equal(phase, "succeeded");
  assert.equal(isTerminal("step", phase), true);
});

test("a retryable failure backs off and runs again; a failed step resumes as pending", () => {
  assert.equal(transition("step", "running", "retry"), "retrying");
  assert.equal(transition("step", "retrying", "backoff-over"), "running");
  assert.equal(transition("step", "failed", "resume"), "pending");
});

test("a running API call is never cancelled; a wait and a pending step are", () => {
  assert.throws(() => transition("step", "running", "cancel"), BugError);
  assert.equal(transition("step", "waiting", "cancel"), "cancelled");
  assert.equal(transition("step", "pending", "cancel"), "cancelled");
});

test("after a crash, steps found in flight return to pending", () => {
  for (const from of ["running", "waiting", "retrying"] as const) {
    assert.equal(transition("step", from, "interrupt"), "pending");
  }
});

test("a succeeded step never moves again", () => {
  assert.deepEqual(allowedTransitions("step", "succeeded"), {});
});

test("a run is cancelled by draining, then resumed or torn down", () => {
  assert.equal(transition("run", "running", "cancel"), "cancelling");
  assert.equal(transition("run", "cancelling", "drained"), "cancelled");
  assert.equal(transition("run", "cancelled", "resume"), "running");
  assert.equal(transition("run", "cancelled", "teardown"), "tearing-down");
  assert.equal(transition("run", "tearing-down", "teardown-complete"), "torn-down");
  assert.equal(transition("run", "torn-down", "teardown"), "torn-down");
});

test("a run cannot complete twice or be torn down while running", () => {
  assert.throws(() => transition("run", "succeeded", "complete"), BugError);
  assert.throws(() => transition("run", "running", "teardown"), BugError);
});

test("every phase has a row in its table, and every target is a known phase", () => {
  for (const phase of stepPhases) {
    for (const to of Object.values(allowedTransitions("step", phase))) {
      assert.ok(stepPhases.includes(to as StepPhase), `${phase} -> ${String(to)}`);
    }
  }
  for (const phase of runPhases) {
    assert.equal(typeof allowedTransitions("run", phase), "object");
  }
});

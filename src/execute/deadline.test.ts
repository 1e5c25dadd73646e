import { strict as assert } from "node:assert";
import { test } from "node:test";
import { ManualClock } from "../model/clock.js";
import { isLifeboatError } from "../model/errors.js";
import { withDeadline } from "./deadline.js";

test("work that finishes in time returns its result and stops the timer", async () => {
  const clock = new ManualClock();
  const parent = new AbortController();
  assert.equal(await withDeadline(async () => 42, 1_000, parent.signal, clock, "gate"), 42);
  clock.advance(5_000); // a timer left behind would now fire into nothing
});

test("the deadline aborts the work's signal and fails with a non-retryable LB_TIMEOUT", async () => {
  const clock = new ManualClock();
  let seen: AbortSignal | undefined;
  const pending = withDeadline(
    (signal) => {
      seen = signal;
      return new Promise<never>(() => undefined); // ignores its signal
    },
    1_000,
    new AbortController().signal,
    clock,
    "gate",
  );
  clock.advance(999);
  assert.equal(seen?.aborted, false);
  clock.advance(1);
  await assert.rejects(pending, (e) => isLifeboatError(e, "LB_TIMEOUT") && !e.retryable);
  assert.equal(seen?.aborted, true);
});

test("the parent's abort reaches the work", async () => {
  const parent = new AbortController();
  const pending = withDeadline(
    (signal) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("x")))),
    1_000,
    parent.signal,
    new ManualClock(),
    "gate",
  );
  parent.abort();
  await assert.rejects(pending, /x/);
});

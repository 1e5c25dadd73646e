import { strict as assert } from "node:assert";
import { test } from "node:test";
import { ManualClock, systemClock } from "./clock.js";
import { isLifeboatError } from "./errors.js";

test("a manual clock wakes sleepers in deadline order only when advanced", async () => {
  const clock = new ManualClock("2026-03-02T10:00:00Z");
  const woke: string[] = [];
  const a = clock.sleep(2000).then(() => woke.push("a"));
  const b = clock.sleep(1000).then(() => woke.push("b"));
  clock.advance(999);
  await Promise.resolve();
  assert.deepEqual(woke, []);
  clock.advance(1001);
  await Promise.all([a, b]);
  assert.deepEqual(woke, ["b", "a"]);
  assert.equal(clock.now().toISOString(), "2026-03-02T10:00:02.000Z");
  assert.deepEqual(clock.sleeps, [2000, 1000]);
});

test("an aborted sleep rejects with LB_CANCELLED, on both clocks", async () => {
  const manual = new ManualClock();
  const controller = new AbortController();
  const pending = manual.sleep(1000, controller.signal);
  controller.abort();
  await assert.rejects(pending, (e) => isLifeboatError(e, "LB_CANCELLED"));
  const real = systemClock.sleep(60_000, AbortSignal.timeout(10));
  await assert.rejects(real, (e) => isLifeboatError(e, "LB_CANCELLED"));
});

test("an auto-advancing clock moves time by each sleep and never waits", async () => {
  const clock = new ManualClock("2026-03-02T10:00:00Z", { autoAdvance: true });
  await clock.sleep(90_000);
  assert.equal(clock.now().toISOString(), "2026-03-02T10:01:30.000Z");
});

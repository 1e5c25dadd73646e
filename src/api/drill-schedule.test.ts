import { strict as assert } from "node:assert";
import { test } from "node:test";
import { ManualClock } from "../model/clock.js";
import { runDrillSchedule } from "./drill-schedule.js";

const day = 86_400_000;
const tick = () => new Promise((resolve) => setImmediate(resolve));
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await tick();
}

test("drills every interval from the newest drill; an active drill skips its slot", async () => {
  const clock = new ManualClock("2026-03-01T00:00:00Z");
  const drills: Date[] = [new Date("2026-02-27T00:00:00Z")]; // the last one, 2 days ago
  let active = false;
  const controller = new AbortController();
  const done = runDrillSchedule({
    everyMs: 7 * day,
    clock,
    signal: controller.signal,
    lastDrillAt: async () => drills.at(-1) ?? null,
    drillActive: async () => active,
    startDrill: async () => {
      drills.push(clock.now());
    },
  });
  await settle();
  assert.equal(drills.length, 1, "not at once: the cadence counts from the last drill");
  clock.advance(5 * day - 1);
  await settle();
  assert.equal(drills.length, 1);
  clock.advance(1);
  await settle();
  assert.deepEqual(drills.at(-1), new Date("2026-03-06T00:00:00Z"));
  active = true;
  clock.advance(7 * day);
  await settle();
  assert.equal(drills.length, 2, "the previous drill still runs: slot skipped");
  active = false;
  clock.advance(7 * day);
  await settle();
  assert.equal(drills.length, 3);
  controller.abort();
  await done;
});

test("an environment never drilled is drilled at once; failures are reported and retried", async () => {
  const clock = new ManualClock("2026-03-01T00:00:00Z");
  const drills: Date[] = [];
  const errors: unknown[] = [];
  let fail = true;
  const controller = new AbortController();
  const done = runDrillSchedule({
    everyMs: day,
    clock,
    signal: controller.signal,
    lastDrillAt: async () => drills.at(-1) ?? null,
    drillActive: async () => false,
    startDrill: async () => {
      if (fail) throw new Error("pre-flight failed");
      drills.push(clock.now());
    },
    onError: (error) => errors.push(error),
  });
  await settle();
  assert.equal(errors.length, 1);
  fail = false;
  clock.advance(60_000);
  await settle();
  assert.equal(drills.length, 1);
  controller.abort();
  await done;
});

import { strict as assert } from "node:assert";
import { setImmediate as turn } from "node:timers/promises";
import { test } from "node:test";
import { ManualClock } from "../model/clock.js";
import { LifeboatError } from "../model/errors.js";
import { runCaptureLoop } from "./capture-loop.js";

const minute = 60_000;

/** Lets the loop run until it sleeps `n` times in all (it never sleeps on its own time). */
async function untilSleeps(clock: ManualClock, n: number): Promise<void> {
  for (let i = 0; i < 1000 && clock.sleeps.length < n; i += 1) await turn();
  assert.equal(clock.sleeps.length, n, "the loop did not go to sleep");
}

test("captures at once, then every interval on a fixed grid, until aborted", async () => {
  const clock = new ManualClock("2026-11-22T00:00:00Z");
  const stop = new AbortController();
  const starts: string[] = [];
  const loop = runCaptureLoop({
    everyMs: 5 * minute,
    clock,
    signal: stop.signal,
    capture: async () => {
      starts.push(clock.now().toISOString());
      clock.advance(20_000); // each capture takes 20 s; the grid does not drift by it
      return starts.length;
    },
  });
  await untilSleeps(clock, 1);
  assert.deepEqual(clock.sleeps, [5 * minute - 20_000]);
  clock.advance(4 * minute);
  await turn();
  assert.equal(starts.length, 1, "no capture before the interval is up");
  clock.advance(40_000);
  await untilSleeps(clock, 2);
  clock.set("2026-11-22T00:10:00Z");
  await untilSleeps(clock, 3);
  stop.abort();
  assert.deepEqual(await loop, { captures: 3, failures: 0 });
  assert.deepEqual(starts, [
    "2026-11-22T00:00:00.000Z",
    "2026-11-22T00:05:00.000Z",
    "2026-11-22T00:10:00.000Z",
  ]);
});

test("a failed capture is reported and the next one still runs", async () => {
  const clock = new ManualClock("2026-11-22T00:00:00Z");
  const stop = new AbortController();
  const errors: string[] = [];
  let n = 0;
  const loop = runCaptureLoop({
    everyMs: minute,
    clock,
    signal: stop.signal,
    capture: async () => {
      n += 1;
      if (n === 1) throw new LifeboatError("LB_PROVIDER_UNREACHABLE", "no answer");
      if (n === 2) throw new Error("not a LifeboatError");
      return n;
    },
    onError: (error, at) => errors.push(`${error.code}@${at.toISOString()}`),
  });
  await untilSleeps(clock, 1);
  clock.advance(minute);
  await untilSleeps(clock, 2);
  clock.advance(minute);
  await untilSleeps(clock, 3);
  stop.abort();
  assert.deepEqual(await loop, { captures: 1, failures: 2 });
  assert.deepEqual(errors, [
    "LB_PROVIDER_UNREACHABLE@2026-11-22T00:00:00.000Z",
    "LB_INTERNAL@2026-11-22T00:01:00.000Z",
  ]);
});

test("a capture that overruns its slot is followed at once by one capture, not a burst", async () => {
  const clock = new ManualClock("2026-11-22T00:00:00Z");
  const stop = new AbortController();
  const starts: number[] = [];
  const loop = runCaptureLoop({
    everyMs: minute,
    clock,
    signal: stop.signal,
    capture: async () => {
      starts.push(clock.now().getTime());
      if (starts.length === 1) clock.advance(3.5 * minute);
      return starts.length;
    },
  });
  await untilSleeps(clock, 1);
  stop.abort();
  await loop;
  const t0 = Date.parse("2026-11-22T00:00:00Z");
  assert.deepEqual(starts, [t0, t0 + 3.5 * minute]);
  assert.deepEqual(clock.sleeps, [minute]);
});

test("aborting during a capture ends the loop without counting a failure", async () => {
  const clock = new ManualClock();
  const stop = new AbortController();
  const onError = () => assert.fail("an abort is not a failure");
  const loop = runCaptureLoop({
    everyMs: minute,
    clock,
    signal: stop.signal,
    onError,
    capture: (signal) =>
      new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(new LifeboatError("LB_CANCELLED", "x"))),
      ),
  });
  await turn();
  stop.abort();
  assert.deepEqual(await loop, { captures: 0, failures: 0 });
  assert.deepEqual(clock.sleeps, []);
});

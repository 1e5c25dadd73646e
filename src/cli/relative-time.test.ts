import { strict as assert } from "node:assert";
import { test } from "node:test";
import { durationWords, whenText } from "./relative-time.js";

test("durations read in the largest sensible units", () => {
  assert.equal(durationWords(0), "0 s");
  assert.equal(durationWords(45_400), "45 s");
  assert.equal(durationWords(119_000), "119 s");
  assert.equal(durationWords(12 * 60_000 + 5_000), "12 min");
  assert.equal(durationWords(3 * 3_600_000), "3 h");
  assert.equal(durationWords(3 * 3_600_000 + 5 * 60_000), "3 h 5 min");
  assert.equal(durationWords(52 * 3_600_000), "2 d 4 h");
});

test("times are absolute in UTC with the relative age, or how far ahead", () => {
  const now = new Date("2026-11-22T03:16:00.900Z");
  assert.equal(
    whenText(new Date("2026-11-22T03:04:00Z"), now),
    "2026-11-22 03:04:00 UTC (12 min ago)",
  );
  assert.equal(
    whenText(new Date("2026-11-22T03:18:01Z"), now),
    "2026-11-22 03:18:01 UTC (in 2 min)",
  );
});

import * as assert from "node:assert/strict";
import { test } from "node:test";
import { newCounters } from "../repository/archiver/backup-progress.js";
import type { CliIo } from "./output.js";
import { formatBytes, progressEvent, startProgress } from "./progress.js";

test("a progress event carries rate and ETA from the counters", () => {
  const counters = { ...newCounters(400), bytesDone: 100, filesDone: 3 };
  const event = progressEvent("backup", counters, 2000, false);
  assert.equal(event.bytesPerSecond, 50);
  assert.equal(event.etaSeconds, 6);
  assert.equal(event.done, false);
  assert.equal(progressEvent("restore", newCounters(), 0, false).etaSeconds, null);
  assert.equal(formatBytes(3 * 1024 * 1024), "3.0 MiB");
});

test("--json progress goes to stderr as NDJSON and ends with a done event", () => {
  const err: string[] = [];
  const out: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTty: true };
  const counters = newCounters(10);
  const progress = startProgress(io, true, "backup", counters);
  counters.bytesDone = 10;
  progress.stop();
  assert.deepEqual(out, []);
  const last = JSON.parse(err.at(-1)!) as { type: string; done: boolean; bytesDone: number };
  assert.deepEqual([last.type, last.done, last.bytesDone], ["progress", true, 10]);
});

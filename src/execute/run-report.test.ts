import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { RunRecord } from "../store/runs-repo.js";
import type { StepEventRecord } from "../store/step-events-repo.js";
import type { StepRecord } from "../store/steps-repo.js";
import { buildRunReport, criticalPath } from "./run-report.js";

const t0 = Date.parse("2026-01-05T12:00:00Z");
const rec = (stepId: string, dependsOn: string[], start: number, end: number) =>
  ({
    stepId,
    kind: "create",
    phase: "succeeded",
    dependsOn,
    attempts: 1,
    startedAt: new Date(t0 + start),
    finishedAt: new Date(t0 + end),
    error: null,
  }) as unknown as StepRecord;

const steps = [
  rec("a", [], 0, 100),
  rec("fast", ["a"], 100, 110),
  rec("slow", ["a"], 100, 400),
  rec("z", ["fast", "slow"], 400, 450),
];

test("the critical path follows the slowest chain; the longest chain counts steps", () => {
  assert.deepEqual(
    criticalPath(steps, (s) => (s.finishedAt?.getTime() ?? 0) - (s.startedAt?.getTime() ?? 0)),
    { steps: ["a", "slow", "z"], durationMs: 450 },
  );
  assert.equal(criticalPath(steps, () => 1).durationMs, 3);
});

test("the report counts resolutions and takes peak parallelism from the journal", () => {
  const run = {
    id: "r",
    mode: "drill",
    phase: "succeeded",
    startedAt: new Date(t0),
    finishedAt: new Date(t0 + 500),
  } as RunRecord;
  const ev = (stepId: string, type: string, data: Record<string, unknown>) =>
    ({ stepId, type, data }) as unknown as StepEventRecord;
  const events = [
    ev("a", "step.started", { inFlight: 1 }),
    ev("a", "step.succeeded", { resolution: "created" }),
    ev("fast", "step.started", { inFlight: 1 }),
    ev("slow", "step.started", { inFlight: 2 }),
    ev("fast", "step.succeeded", { resolution: "adopted" }),
    ev("slow", "step.succeeded", { resolution: "created" }),
    ev("z", "step.started", { inFlight: 1 }),
    ev("z", "step.succeeded", { resolution: null }),
  ];
  const report = buildRunReport(run, steps, events);
  assert.equal(report.wallMs, 500);
  assert.equal(report.peakInFlight, 2);
  assert.deepEqual(report.counts, { succeeded: 4, created: 2, adopted: 1 });
  assert.equal(report.steps.find((s) => s.stepId === "slow")?.durationMs, 300);
});

import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { WatchAction, WatchDecision } from "../model/failover-policy.js";
import { RecordingLogger } from "../model/logger.js";
import { failoverListener } from "./failover-listener.js";

const decision = (kind: WatchDecision["kind"], action: WatchAction | null): WatchDecision => ({
  environment: "shop",
  incidentId: "shop@2026-03-02T10:00:00.000Z",
  at: new Date("2026-03-02T10:01:00Z"),
  kind,
  action,
  requestedAction: action,
  rule: "default",
  reasons: [],
  evidence: [],
  quorum: { required: 1, met: 1 },
  recoveryPoint: null,
});

test("failover decisions start runs in order (with approval when asked); others do not", async () => {
  const started: boolean[] = [];
  const listener = failoverListener(async ({ approval }) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    started.push(approval);
  }, new RecordingLogger());
  listener.notify(decision("action", "alert"));
  listener.notify(decision("suppressed", "auto-failover"));
  listener.notify(decision("recovered", null));
  listener.notify(decision("action", "failover-with-approval"));
  listener.notify(decision("action", "auto-failover"));
  await listener.idle();
  assert.deepEqual(started, [true, false]);
});

test("a failing start is logged, never thrown into the watcher; later ones still run", async () => {
  const logger = new RecordingLogger();
  let calls = 0;
  const listener = failoverListener(async () => {
    calls++;
    if (calls === 1) throw new Error("store down");
  }, logger);
  listener.notify(decision("action", "auto-failover"));
  listener.notify(decision("action", "auto-failover"));
  await listener.idle();
  assert.equal(calls, 2);
  assert.deepEqual(
    logger.records.map((r) => r.event),
    ["watch.failover.failed"],
  );
});

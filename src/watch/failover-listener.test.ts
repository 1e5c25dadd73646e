import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { WatchAction, WatchDecision } from "../model/failover-policy.js";
import { RecordingLogger } from "../model/logger.js";
import { failoverListener, incidentRunId } from "./failover-listener.js";

const decision = (
  kind: WatchDecision["kind"],
  action: WatchAction | null,
  incidentId = "shop@2026-03-02T10:00:00.000Z",
): WatchDecision => ({
  environment: "shop",
  incidentId,
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

test("replay: the open incident's failover starts again (its strongest); closed ones do not", async () => {
  const started: { incidentId: string; approval: boolean }[] = [];
  const listener = failoverListener(async ({ decision: d, approval }) => {
    started.push({ incidentId: d.incidentId, approval });
  }, new RecordingLogger());
  const history = (decisions: WatchDecision[]) =>
    decisions.map((d, i) => ({ eventId: i + 1, decision: d }));
  const old = "shop@2026-03-01T09:00:00.000Z";
  listener.replay(
    history([decision("action", "auto-failover", old), decision("recovered", null, old)]),
  );
  listener.replay(history([decision("action", "alert"), decision("suppressed", "alert")]));
  listener.replay(
    history([
      decision("action", "alert"),
      decision("action", "auto-failover"),
      decision("action", "failover-with-approval"),
      decision("suppressed", "auto-failover"),
    ]),
  );
  await listener.idle();
  assert.deepEqual(started, [{ incidentId: "shop@2026-03-02T10:00:00.000Z", approval: false }]);
});

test("an incident's run id is the same everywhere and differs per incident and environment", () => {
  const id = incidentRunId("shop", "shop@2026-03-02T10:00:00.000Z");
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(incidentRunId("shop", "shop@2026-03-02T10:00:00.000Z"), id);
  assert.notEqual(incidentRunId("shop", "shop@2026-03-02T10:05:00.000Z"), id);
  assert.notEqual(incidentRunId("blog", "shop@2026-03-02T10:00:00.000Z"), id);
});

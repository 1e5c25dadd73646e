import { strict as assert } from "node:assert";
import { after, test } from "node:test";
import { isLifeboatError } from "../model/errors.js";
import type { WatchDecision } from "../model/failover-policy.js";
import { probeResult } from "../model/probe-status.js";
import { appendEvent, listEvents } from "../store/events-repo.js";
import { openStore } from "../store/open-store.js";
import { listDecisions, storeDecisionSink } from "./store-decision-sink.js";

const store = await openStore("sqlite::memory:");
after(() => store.close());

const at = new Date("2026-03-02T10:00:30Z");
const action: WatchDecision = {
  environment: "shop",
  incidentId: "shop@2026-03-02T10:00:10.000Z",
  at,
  kind: "action",
  action: "auto-failover",
  requestedAction: "auto-failover",
  rule: "default",
  reasons: [{ code: "RULE_MET", detail: "2 of 2" }],
  evidence: [
    probeResult("http:a", "APP_DOWN", new Date("2026-03-02T10:00:10Z"), null, "timeout"),
    probeResult("tcp:a", "HOST_DOWN", new Date("2026-03-02T10:00:20Z"), null, "refused"),
  ],
  quorum: { required: 2, met: 2 },
  recoveryPoint: { newestAt: new Date("2026-03-02T09:58:00Z"), budgetMs: 900_000 },
};

test("decisions are recorded as events with their evidence and read back intact", async () => {
  const sink = storeDecisionSink(store);
  await sink.record(action);
  const recovered: WatchDecision = {
    ...action,
    at: new Date("2026-03-02T10:05:00Z"),
    kind: "recovered",
    action: null,
    requestedAction: null,
    rule: null,
    reasons: [{ code: "RECOVERED", detail: "3 OKs" }],
    quorum: null,
    recoveryPoint: null,
  };
  await sink.record(recovered);
  await appendEvent(store, { environment: "shop", type: "config.changed", severity: "info" });

  const events = await listEvents(store, { environment: "shop" });
  assert.deepEqual(
    events.map((e) => [e.type, e.severity]),
    [
      ["watch.action", "critical"],
      ["watch.recovered", "info"],
      ["config.changed", "info"],
    ],
  );
  assert.deepEqual(events[0]?.at, at);
  const decisions = await listDecisions(store, "shop");
  assert.deepEqual(
    decisions.map((d) => d.decision),
    [action, recovered],
  );
  assert.deepEqual(await listDecisions(store, "other"), []);
});

test("a watch event that is not a decision is LB_STORE_CORRUPT", async () => {
  await appendEvent(store, {
    environment: "bad",
    type: "watch.action",
    severity: "critical",
    data: { what: "not a decision" },
  });
  await assert.rejects(listDecisions(store, "bad"), (e) => isLifeboatError(e, "LB_STORE_CORRUPT"));
});

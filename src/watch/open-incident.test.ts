import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { WatchDecision } from "../model/failover-policy.js";
import { openIncident } from "./open-incident.js";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 3, minute));
let eventId = 0;

function recorded(
  incident: number,
  minute: number,
  kind: WatchDecision["kind"],
  action: WatchDecision["action"] = null,
  requested = action,
) {
  return {
    eventId: ++eventId,
    decision: {
      environment: "shop",
      incidentId: `shop@${at(incident).toISOString()}`,
      at: at(minute),
      kind,
      action,
      requestedAction: requested,
      rule: kind === "recovered" ? null : "default",
      reasons: [],
      evidence: [],
      quorum: null,
      recoveryPoint: null,
    } satisfies WatchDecision,
  };
}

test("no decisions, or the last incident recovered: nothing is open", () => {
  assert.equal(openIncident([]), null);
  assert.equal(
    openIncident([recorded(1, 1, "action", "alert"), recorded(1, 5, "recovered")]),
    null,
  );
});

test("the newest incident is open with its strongest actions and newest decision", () => {
  const history = [
    recorded(1, 1, "action", "alert"),
    recorded(1, 5, "recovered"),
    recorded(10, 10, "action", "alert"),
    recorded(10, 12, "action", "failover-with-approval", "auto-failover"),
    recorded(10, 14, "suppressed", "alert"),
  ];
  const open = openIncident(history);
  assert.equal(open?.id, `shop@${at(10).toISOString()}`);
  assert.deepEqual(open?.openedAt, at(10));
  assert.equal(open?.action, "failover-with-approval");
  assert.equal(open?.requestedAction, "auto-failover");
  assert.equal(open?.decisions, 3);
  assert.equal(open?.latest, history[4]);
});

test("an incident whose every action was suppressed is open with no action taken", () => {
  const open = openIncident([recorded(2, 2, "suppressed", "auto-failover")]);
  assert.equal(open?.action, null);
  assert.equal(open?.requestedAction, "auto-failover");
});

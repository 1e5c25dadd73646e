import { strict as assert } from "node:assert";
import { test } from "node:test";
import { ManualClock } from "../model/clock.js";
import {
  normalizeFailoverPolicy,
  type FailoverPolicy,
  type WatchDecision,
} from "../model/failover-policy.js";
import { probeResult, type ProbeStatusCode } from "../model/probe-status.js";
import { evaluatePolicy, type RecoveryPointView } from "./evaluate-policy.js";
import { initialPolicyState, type PolicyState } from "./policy-state.js";

/** Drives the pure policy with rounds of results, one round every `everyMs` of manual time. */
class Driver {
  readonly clock = new ManualClock("2026-03-02T10:00:00Z"); // a Monday
  state: PolicyState;
  readonly decisions: WatchDecision[] = [];
  recoveryPoint: RecoveryPointView | undefined = undefined;

  constructor(
    readonly policy: FailoverPolicy,
    readonly probeIds: readonly string[],
    readonly everyMs = 10_000,
  ) {
    this.state = initialPolicyState(probeIds);
  }

  /** One round: each probe reports the code at its position (missing codes: OK). */
  round(...codes: ProbeStatusCode[]): WatchDecision[] {
    const out: WatchDecision[] = [];
    this.probeIds.forEach((id, i) => {
      const result = probeResult(id, codes[i] ?? "OK", this.clock.now(), 1, "test");
      const step = evaluatePolicy(this.policy, this.state, {
        environment: "shop",
        result,
        now: this.clock.now(),
        ...(this.recoveryPoint === undefined ? {} : { recoveryPoint: this.recoveryPoint }),
      });
      this.state = step.state;
      out.push(...step.decisions);
    });
    this.decisions.push(...out);
    this.clock.advance(this.everyMs);
    return out;
  }

  rounds(count: number, ...codes: ProbeStatusCode[]): WatchDecision[] {
    return Array.from({ length: count }, () => this.round(...codes)).flat();
  }
}

const kinds = (decisions: readonly WatchDecision[]) =>
  decisions.map((d) => `${d.kind}:${d.action ?? "-"}`);

test("a flapping probe never triggers anything", () => {
  const d = new Driver(normalizeFailoverPolicy({ action: "auto-failover", after: 3 }), ["web"]);
  for (let i = 0; i < 20; i++) d.round(i % 2 === 0 ? "APP_DOWN" : "OK");
  d.rounds(2, "HOST_DOWN");
  d.round("OK");
  assert.deepEqual(d.decisions, []);
  assert.equal(d.state.incident, null);
});

test("one lost packet never triggers anything", () => {
  const d = new Driver(normalizeFailoverPolicy({ action: "auto-failover", after: 2 }), ["web"]);
  d.round("HOST_DOWN");
  d.rounds(5, "OK");
  assert.deepEqual(d.decisions, []);
});

test("sustained failure below quorum takes no action", () => {
  const policy = normalizeFailoverPolicy({ action: "auto-failover", after: 3, quorum: 2 });
  const d = new Driver(policy, ["http-a", "http-b", "tcp"]);
  d.rounds(50, "APP_DOWN", "OK", "OK");
  assert.deepEqual(d.decisions, []);
});

test("sustained failure at quorum takes the configured action once, with its evidence", () => {
  const policy = normalizeFailoverPolicy({ action: "failover-with-approval", after: 3 });
  const d = new Driver(policy, ["http-a", "http-b", "tcp"]); // majority: 2 of 3
  assert.deepEqual(d.rounds(2, "APP_DOWN", "HOST_DOWN", "OK"), []);
  const decisions = d.round("APP_DOWN", "HOST_DOWN", "OK");
  assert.deepEqual(kinds(decisions), ["action:failover-with-approval"]);
  const [decision] = decisions;
  assert.ok(decision);
  assert.deepEqual(decision.quorum, { required: 2, met: 2 });
  assert.deepEqual(
    decision.reasons.map((r) => r.code),
    ["RULE_MET"],
  );
  assert.equal(decision.evidence.length, 6);
  assert.deepEqual(new Set(decision.evidence.map((r) => r.probeId)), new Set(["http-a", "http-b"]));
  // The incident goes on, but one incident yields one action.
  assert.deepEqual(d.rounds(20, "APP_DOWN", "HOST_DOWN", "HOST_DOWN"), []);
});

test("a sustained duration must elapse before a rule is met", () => {
  const policy = normalizeFailoverPolicy({
    rules: [{ name: "down-2m", codes: ["APP_DOWN"], for: "2m", quorum: 1, action: "alert" }],
  });
  const d = new Driver(policy, ["web"], 10_000);
  assert.deepEqual(d.rounds(12, "APP_DOWN"), []); // 0 s .. 110 s
  assert.deepEqual(kinds(d.round("APP_DOWN")), ["action:alert"]); // at 120 s
});

test("the state clears only after recoverAfter consecutive OKs", () => {
  const policy = normalizeFailoverPolicy({ action: "alert", after: 2, recoverAfter: 3 });
  const d = new Driver(policy, ["web"]);
  assert.deepEqual(kinds(d.rounds(2, "APP_DOWN")), ["action:alert"]);
  assert.deepEqual(d.rounds(2, "OK"), []);
  d.round("APP_DOWN"); // the OK streak starts again
  assert.deepEqual(d.rounds(2, "OK"), []);
  assert.notEqual(d.state.incident, null);
  const recovered = d.round("OK");
  assert.deepEqual(kinds(recovered), ["recovered:-"]);
  assert.equal(recovered[0]?.evidence.length, 3);
  assert.equal(d.state.incident, null);
});

test("a maintenance window suppresses the action and records it once", () => {
  const policy = normalizeFailoverPolicy({
    action: "auto-failover",
    after: 3,
    maintenance: [
      { start: "2026-03-02T10:00:00Z", end: "2026-03-02T10:05:00Z", reason: "upgrade" },
    ],
  });
  const d = new Driver(policy, ["web"]);
  d.recoveryPoint = { newestAt: d.clock.now() };
  const during = d.rounds(30, "APP_DOWN"); // 10:00:00 to 10:04:50
  assert.deepEqual(kinds(during), ["suppressed:auto-failover"]);
  assert.deepEqual(
    during[0]?.reasons.map((r) => r.code),
    ["RULE_MET", "MAINTENANCE"],
  );
  // After the window, acting needs fresh evidence: `after` new failing rounds.
  d.recoveryPoint = { newestAt: d.clock.now() };
  assert.deepEqual(d.rounds(2, "APP_DOWN"), []);
  assert.deepEqual(kinds(d.round("APP_DOWN")), ["action:auto-failover"]);
});

test("a stale recovery point turns auto-failover into a request for approval", () => {
  const policy = normalizeFailoverPolicy({ action: "auto-failover", after: 2 }, 15 * 60_000);
  const d = new Driver(policy, ["web"]);
  d.recoveryPoint = { newestAt: new Date(d.clock.now().getTime() - 60 * 60_000) };
  const [decision] = d.rounds(2, "APP_DOWN");
  assert.equal(decision?.kind, "action");
  assert.equal(decision?.action, "failover-with-approval");
  assert.equal(decision?.requestedAction, "auto-failover");
  assert.deepEqual(
    decision?.reasons.map((r) => r.code),
    ["RULE_MET", "RECOVERY_POINT_STALE"],
  );
  assert.equal(decision?.recoveryPoint?.budgetMs, 15 * 60_000);
  // Replication catching up later does not turn the pending approval into an automatic move.
  d.recoveryPoint = { newestAt: d.clock.now() };
  assert.deepEqual(d.rounds(5, "APP_DOWN"), []);
});

test("a fresh recovery point allows auto-failover; a missing one demands approval", () => {
  const policy = normalizeFailoverPolicy({ action: "auto-failover", after: 1 }, 15 * 60_000);
  const fresh = new Driver(policy, ["web"]);
  fresh.recoveryPoint = { newestAt: new Date(fresh.clock.now().getTime() - 60_000) };
  assert.deepEqual(kinds(fresh.round("HOST_DOWN")), ["action:auto-failover"]);

  for (const view of [{ newestAt: null }, undefined]) {
    const missing = new Driver(policy, ["web"]);
    missing.recoveryPoint = view;
    const [decision] = missing.round("HOST_DOWN");
    assert.equal(decision?.action, "failover-with-approval");
    assert.equal(decision?.reasons[1]?.code, "RECOVERY_POINT_MISSING");
  }
});

test("a stronger rule escalates an open incident; weaker ones stay quiet", () => {
  const policy = normalizeFailoverPolicy({
    rules: [
      { name: "slow", codes: ["DEGRADED", "APP_DOWN"], after: 2, quorum: 1, action: "alert" },
      {
        name: "down",
        codes: ["APP_DOWN"],
        after: 4,
        quorum: "all",
        action: "failover-with-approval",
      },
    ],
  });
  const d = new Driver(policy, ["a", "b"]);
  assert.deepEqual(kinds(d.rounds(3, "DEGRADED", "OK")), ["action:alert"]);
  assert.deepEqual(d.rounds(3, "APP_DOWN", "APP_DOWN"), []);
  const escalated = d.round("APP_DOWN", "APP_DOWN");
  assert.deepEqual(kinds(escalated), ["action:failover-with-approval"]);
  assert.equal(escalated[0]?.reasons[0]?.code, "ESCALATED");
  assert.equal(escalated[0]?.incidentId, d.decisions[0]?.incidentId);
});

test("the cooldown suppresses a repeat action right after an incident, then allows it", () => {
  const policy = normalizeFailoverPolicy({
    action: "alert",
    after: 1,
    recoverAfter: 1,
    cooldown: "5m",
    quorum: 1,
  });
  const d = new Driver(policy, ["web"], 60_000);
  assert.deepEqual(kinds(d.round("APP_DOWN")), ["action:alert"]);
  assert.deepEqual(kinds(d.round("OK")), ["recovered:-"]);
  const again = d.rounds(3, "APP_DOWN"); // minutes 2..4: inside the cooldown
  assert.deepEqual(kinds(again), ["suppressed:alert"]);
  assert.equal(again[0]?.reasons.at(-1)?.code, "COOLDOWN");
  assert.deepEqual(kinds(d.round("APP_DOWN")), ["action:alert"]); // minute 5
});

test("a policy never changes the state it is given", () => {
  const policy = normalizeFailoverPolicy({ action: "alert", after: 1, quorum: 1 });
  const d = new Driver(policy, ["web"]);
  const before = d.state;
  const snapshot = structuredClone(before);
  d.round("APP_DOWN");
  assert.deepEqual(before, snapshot);
  assert.notEqual(d.state, before);
});

import { strict as assert } from "node:assert";
import { test } from "node:test";
import {
  defaultFailoverCodes,
  failoverPolicySchema,
  normalizeFailoverPolicy,
  watchDecisionJsonSchema,
  watchDecisionToJson,
  type WatchDecision,
} from "./failover-policy.js";
import { probeResult } from "./probe-status.js";

test("the config's existing { action, after } shape is one rule over critical statuses", () => {
  const policy = normalizeFailoverPolicy({ action: "failover-with-approval", after: 3 }, 60_000);
  assert.deepEqual(policy.rules, [
    {
      name: "default",
      codes: defaultFailoverCodes,
      probes: null,
      after: 3,
      forMs: 0,
      quorum: "majority",
      action: "failover-with-approval",
    },
  ]);
  assert.equal(policy.recoverAfter, 3);
  assert.equal(policy.cooldownMs, 30 * 60_000);
  assert.equal(policy.rpoBudgetMs, 60_000);
  assert.ok(defaultFailoverCodes.includes("HOST_DOWN"));
  assert.ok(!defaultFailoverCodes.includes("DEGRADED"));
});

test("rules take durations and default `after` to 1 when `for` is given", () => {
  const policy = normalizeFailoverPolicy({
    rules: [{ name: "slow", codes: ["DEGRADED"], for: "1h30m", action: "alert", quorum: 1 }],
    cooldown: "10m",
  });
  assert.equal(policy.rules[0]?.forMs, 5_400_000);
  assert.equal(policy.rules[0]?.after, 1);
  assert.equal(policy.cooldownMs, 600_000);
});

test("invalid policies are rejected at the key that is wrong", () => {
  const bad: [unknown, string][] = [
    [{ action: "alert", rules: [{ name: "r", codes: ["OK"], action: "alert" }] }, ""],
    [{ after: 3 }, ""],
    [{ action: "reboot" }, "action"],
    [{ action: "alert", codes: ["ON_FIRE"] }, "codes.0"],
    [{ action: "alert", for: "soon" }, "for"],
    [{ action: "alert", quorum: 0 }, "quorum"],
    [{ action: "alert", extra: 1 }, ""],
    [
      { action: "alert", maintenance: [{ days: ["mon"], from: "25:00", to: "01:00" }] },
      "maintenance.0",
    ],
    [
      {
        action: "alert",
        maintenance: [{ days: ["mon"], from: "01:00", to: "02:00", timeZone: "Mars/Base" }],
      },
      "maintenance.0",
    ],
    [
      {
        action: "alert",
        maintenance: [{ start: "2026-03-02T11:00:00Z", end: "2026-03-02T10:00:00Z" }],
      },
      "maintenance.0",
    ],
    [
      {
        rules: [
          { name: "r", codes: ["APP_DOWN"], action: "alert" },
          { name: "r", codes: ["HOST_DOWN"], action: "alert" },
        ],
      },
      "",
    ],
  ];
  for (const [input, path] of bad) {
    const parsed = failoverPolicySchema.safeParse(input);
    assert.equal(parsed.success, false, JSON.stringify(input));
    const paths = parsed.error?.issues.map((i) => i.path.join(".")) ?? [];
    assert.ok(
      paths.some((p) => p.startsWith(path)),
      `${JSON.stringify(input)}: ${paths.join(",")}`,
    );
  }
});

test("a decision round-trips through its JSON form", () => {
  const at = new Date("2026-03-02T10:00:00Z");
  const decision: WatchDecision = {
    environment: "shop",
    incidentId: `shop@${at.toISOString()}`,
    at,
    kind: "suppressed",
    action: "alert",
    requestedAction: "alert",
    rule: "default",
    reasons: [{ code: "MAINTENANCE", detail: "window" }],
    evidence: [probeResult("tcp:db:5432", "HOST_DOWN", at, null, "refused")],
    quorum: { required: 1, met: 1 },
    recoveryPoint: null,
  };
  const json = JSON.parse(JSON.stringify(watchDecisionToJson(decision))) as unknown;
  const parsed = watchDecisionJsonSchema.parse(json);
  assert.equal(parsed.at, "2026-03-02T10:00:00.000Z");
  assert.equal(parsed.evidence[0]?.severity, "critical");
});

import { strict as assert } from "node:assert";
import { test } from "node:test";
import { ManualClock } from "../model/clock.js";
import { heartbeatProbe, replicationProbe } from "./freshness-probe.js";

const signal = () => new AbortController().signal;

test("a heartbeat older than its bound, or none at all, is HEARTBEAT_LOST", async () => {
  const clock = new ManualClock("2026-03-02T10:00:00Z");
  let newest: Date | null = new Date("2026-03-02T09:59:30Z");
  const probe = heartbeatProbe({
    agent: "web-1",
    maxAgeMs: 60_000,
    newestHeartbeat: async () => newest,
    clock,
  });
  assert.equal(probe.id, "heartbeat:web-1");
  assert.equal((await probe.run(signal())).code, "OK");
  clock.advance(31_000);
  const lost = await probe.run(signal());
  assert.equal(lost.code, "HEARTBEAT_LOST");
  assert.equal(lost.severity, "critical");
  newest = null;
  assert.equal((await probe.run(signal())).code, "HEARTBEAT_LOST");
});

test("a recovery point older than the RPO budget is REPLICATION_STALLED", async () => {
  const clock = new ManualClock("2026-03-02T10:00:00Z");
  const probe = replicationProbe({
    environment: "shop",
    rpoBudgetMs: 15 * 60_000,
    newestRecoveryPoint: async () => new Date("2026-03-02T09:50:00Z"),
    clock,
  });
  assert.equal((await probe.run(signal())).code, "OK");
  clock.advance(6 * 60_000);
  assert.equal((await probe.run(signal())).code, "REPLICATION_STALLED");
});

test("an unreadable source is UNKNOWN, not a failure of the target", async () => {
  const probe = heartbeatProbe({
    agent: "web-1",
    maxAgeMs: 60_000,
    newestHeartbeat: async () => {
      throw new Error("store unreachable");
    },
    clock: new ManualClock(),
  });
  assert.equal((await probe.run(signal())).code, "UNKNOWN");
});

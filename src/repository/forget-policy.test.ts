import { strict as assert } from "node:assert";
import { test } from "node:test";
import { applyPolicy, groupForForget, type PolicySnapshot } from "./forget-policy.js";

/** One snapshot every `stepHours` going back from 2026-03-15 12:00 UTC, newest first. */
function series(count: number, stepHours: number, tags: string[] = []): PolicySnapshot[] {
  const newest = Date.UTC(2026, 2, 15, 12);
  return Array.from({ length: count }, (_, i) => ({
    id: `s${String(i).padStart(3, "0")}`,
    time: new Date(newest - i * stepHours * 3600_000).toISOString(),
    tags,
  }));
}

const ids = (list: readonly { id: string }[]) => list.map((s) => s.id);
const kept = (snaps: PolicySnapshot[], policy: Parameters<typeof applyPolicy>[1]) =>
  ids(applyPolicy(snaps, policy).keep.map((k) => k.snapshot));

test("keep-last keeps the n newest, whatever the input order", () => {
  const snaps = series(10, 1).reverse();
  assert.deepEqual(kept(snaps, { last: 3 }), ["s000", "s001", "s002"]);
  const decision = applyPolicy(snaps, { last: 3 });
  assert.equal(decision.remove.length, 7);
});

test("keep-daily keeps the newest snapshot of each of the n newest days that have one", () => {
  // Every 6 hours for 4 days: 12:00, 06:00, 00:00, 18:00 (previous day), ...
  const snaps = series(16, 6);
  assert.deepEqual(kept(snaps, { daily: 3 }), ["s000", "s003", "s007"]);
});

test("keep-hourly, keep-weekly, keep-monthly and keep-yearly use UTC calendar buckets", () => {
  // 12:00, 11:30, 11:00, …: hours 12 and 11.
  assert.deepEqual(kept(series(6, 0.5), { hourly: 2 }), ["s000", "s001"]);
  // Daily for 30 days back from Sunday 2026-03-15: ISO weeks start on Mondays.
  const daily = series(30, 24);
  assert.deepEqual(kept(daily, { weekly: 3 }), ["s000", "s007", "s014"]);
  assert.deepEqual(kept(daily, { monthly: 2 }), ["s000", "s015"]);
  // 2026-03-15, 2025-08-27, 2025-02-08: two years.
  assert.deepEqual(kept(series(3, 24 * 200), { yearly: 5 }), ["s000", "s001"]);
});

test("ISO weeks: the days around new year belong to the week of their Thursday", () => {
  const snaps = [
    "2025-12-28T10:00:00Z",
    "2025-12-29T10:00:00Z",
    "2026-01-04T10:00:00Z",
    "2026-01-05T10:00:00Z",
  ].map((time, i) => ({ id: `w${i}`, time }));
  // 2025-12-29 .. 2026-01-04 are ISO week 2026-W01; 2025-12-28 is 2025-W52; 2026-01-05 is W02.
  assert.deepEqual(kept(snaps, { weekly: 10 }), ["w3", "w2", "w0"]);
});

test("keep-within counts back from the newest snapshot, not from now", () => {
  const snaps = series(10, 24);
  assert.deepEqual(kept(snaps, { withinMs: 2.5 * 86_400_000 }), ["s000", "s001", "s002"]);
});

test("rules combine as a union, with reasons; tags keep their snapshots", () => {
  const snaps = [...series(5, 24), { id: "tagged", time: "2020-01-01T00:00:00Z", tags: ["keep"] }];
  const decision = applyPolicy(snaps, { last: 1, daily: 2, tags: ["keep"] });
  assert.deepEqual(
    decision.keep.map((k) => [k.snapshot.id, k.reasons]),
    [
      ["s000", ["last", "daily 2026-03-15"]],
      ["s001", ["daily 2026-03-14"]],
      ["tagged", ["tag keep"]],
    ],
  );
  assert.deepEqual(ids(decision.remove), ["s002", "s003", "s004"]);
});

test("an empty or invalid policy is refused instead of removing everything", () => {
  assert.throws(() => applyPolicy(series(3, 1), {}), { code: "LB_INVALID_INPUT" });
  assert.throws(() => applyPolicy(series(3, 1), { last: 0, daily: 0 }), {
    code: "LB_INVALID_INPUT",
  });
  assert.throws(() => applyPolicy(series(3, 1), { last: -1 }), { code: "LB_INVALID_INPUT" });
  assert.throws(() => applyPolicy(series(3, 1), { daily: 1.5 }), { code: "LB_INVALID_INPUT" });
  assert.deepEqual(applyPolicy([], { last: 1 }), { keep: [], remove: [] });
});

test("snapshots are grouped by host, source and kind", () => {
  const base = { time: "2026-01-01T00:00:00Z" };
  const groups = groupForForget([
    { ...base, id: "a", host: "h1", source: "/srv", kind: "file" },
    { ...base, id: "b", host: "h1", source: "/srv", kind: "file" },
    { ...base, id: "c", host: "h2", source: "/srv", kind: "file" },
    { ...base, id: "d", host: "h1", source: "/srv", kind: "image" },
  ]);
  assert.deepEqual(
    [...groups.values()].map((g) => ids(g)),
    [["a", "b"], ["c"], ["d"]],
  );
});

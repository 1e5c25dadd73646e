import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { RecoveryPoint } from "../model/recovery-point.js";
import { pointsToDrop } from "./retention.js";

const minute = 60_000;
const points = [0, 1, 2, 5, 30, 90].map(
  (ago, i) =>
    ({ id: `p${i}`, at: new Date(Date.UTC(2026, 0, 1, 12) - ago * minute) }) as RecoveryPoint,
);
const ids = (list: RecoveryPoint[]) => list.map((p) => p.id);

test("retention keeps the newest N, those within a window of the newest, and always the newest", () => {
  assert.deepEqual(ids(pointsToDrop(points, {})), []);
  assert.deepEqual(ids(pointsToDrop(points, { last: 2 })), ["p2", "p3", "p4", "p5"]);
  assert.deepEqual(ids(pointsToDrop(points, { withinMs: 5 * minute })), ["p4", "p5"]);
  assert.deepEqual(ids(pointsToDrop(points, { last: 5, withinMs: minute })), ["p5"]);
  assert.deepEqual(ids(pointsToDrop(points.slice(0, 1), { last: 1, withinMs: 0 })), []);
});

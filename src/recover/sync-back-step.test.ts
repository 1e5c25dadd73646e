import { strict as assert } from "node:assert";
import { test } from "node:test";
import type { RecoveryPoint } from "../model/recovery-point.js";
import { pointToSync } from "./sync-back-step.js";

const point = (snapshot: string, at: string): RecoveryPoint => ({
  id: snapshot,
  environment: "shop",
  source: "vol-data",
  kind: "volume",
  method: "scan",
  at: new Date(at),
  createdAt: new Date(at),
  snapshotId: snapshot.repeat(64),
  sizeBytes: 1024,
  changedBytes: 0,
  groupId: null,
  meta: {},
});

const hydrated = point("a", "2026-11-22T05:00:00Z");
const input = { hydratedPoint: hydrated.snapshotId, after: "2026-11-22T06:00:00.000Z" };

test("the newest point written after the failover is carried back", () => {
  const copy = point("b", "2026-11-22T06:30:00Z");
  assert.equal(pointToSync([copy, hydrated], input).point, copy);
});

test("no point after the failover, or only the hydrated one: nothing to sync, and why", () => {
  for (const points of [[hydrated], [], [point("c", "2026-11-22T05:59:00Z"), hydrated]]) {
    const chosen = pointToSync(points, input);
    assert.equal(chosen.point, null);
    assert.match("reason" in chosen ? chosen.reason : "", /nothing to carry back/);
  }
});

test("a hydrated point newer than the failover's start is the bar", () => {
  const late = point("d", "2026-11-22T07:00:00Z");
  const between = point("e", "2026-11-22T06:30:00Z");
  const chosen = pointToSync([late, between], {
    hydratedPoint: late.snapshotId,
    after: input.after,
  });
  assert.equal(chosen.point, null);
});

/** Recovery points and agent heartbeats in the state store, the same tests on SQLite and PostgreSQL. */
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { latestHeartbeat, recordHeartbeat } from "../../src/store/agent-heartbeats-repo.js";
import {
  deleteRecoveryPoints,
  listRecoveryPoints,
  newestRecoveryPoint,
  recordRecoveryPoint,
} from "../../src/store/recovery-points-repo.js";
import { describeStoreConformance, manualClock } from "./store-targets.js";

const t = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute));

describeStoreConformance("recovery points", ({ open }) => {
  test("record, list newest first, filter by source, kind and time, delete", async () => {
    const clock = manualClock();
    const store = await open(undefined, { now: clock.now });
    assert.equal(await newestRecoveryPoint(store, "shop"), null);
    const point = (source: string, minute: number, kind: "volume" | "database" = "volume") =>
      recordRecoveryPoint(store, {
        environment: "shop",
        source,
        kind,
        method: kind === "volume" ? "journal" : "wal",
        at: t(minute),
        snapshotId: `snap-${source}-${minute}`,
        sizeBytes: 5 * 2 ** 30,
        changedBytes: 4096,
        groupId: minute === 10 ? "g1" : null,
        meta: { journal: { session: "s", offset: 12 } },
      });
    const a1 = await point("vol-a", 1);
    const b10 = await point("vol-b", 10);
    const a10 = await point("vol-a", 10);
    await point("orders", 5, "database");
    await recordRecoveryPoint(store, { ...a1, id: "other-env", environment: "blog" });

    assert.deepEqual(a1.meta, { journal: { session: "s", offset: 12 } });
    assert.equal(a1.sizeBytes, 5 * 2 ** 30, "sizes beyond 2^32 survive");
    assert.equal(a1.createdAt.getTime(), clock.now().getTime());
    const all = await listRecoveryPoints(store, "shop");
    assert.equal(all.length, 4);
    assert.deepEqual(
      all.map((p) => p.at.getTime()),
      [...all.map((p) => p.at.getTime())].sort((x, y) => y - x),
    );
    assert.deepEqual(
      (await listRecoveryPoints(store, "shop", { source: "vol-a" })).map((p) => p.id),
      [a10.id, a1.id],
    );
    assert.deepEqual(
      (await listRecoveryPoints(store, "shop", { kind: "database" })).map((p) => p.source),
      ["orders"],
    );
    assert.deepEqual(
      (await listRecoveryPoints(store, "shop", { before: t(9), kind: "volume" })).map((p) => p.id),
      [a1.id],
    );
    assert.equal((await newestRecoveryPoint(store, "shop", "vol-b"))?.id, b10.id);
    assert.equal((await newestRecoveryPoint(store, "shop", "vol-b"))?.groupId, "g1");
    assert.equal(await deleteRecoveryPoints(store, [a1.id, b10.id]), 2);
    assert.equal(await deleteRecoveryPoints(store, []), 0);
    assert.deepEqual(
      (await listRecoveryPoints(store, "shop", { limit: 10 })).map((p) => p.source).sort(),
      ["orders", "vol-a"],
    );
  });

  test("heartbeats: one row per agent, the newest wins", async () => {
    const store = await open();
    assert.equal(await latestHeartbeat(store, "host-1"), null);
    await recordHeartbeat(store, { agent: "host-1", environment: "shop", at: t(1) });
    await recordHeartbeat(store, {
      agent: "host-1",
      environment: "shop",
      at: t(2),
      data: { volumes: 2 },
    });
    const beat = await latestHeartbeat(store, "host-1");
    assert.equal(beat?.at.getTime(), t(2).getTime());
    assert.deepEqual(beat?.data, { volumes: 2 });
  });
});

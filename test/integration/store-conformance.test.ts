/**
 * State store conformance, part 1 (same tests on SQLite and PostgreSQL): migrations,
 * environments, optimistic concurrency, transactions, inventory versions, corrupt rows.
 */
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { sql, type Kysely } from "kysely";
import { BugError, isLifeboatError } from "../../src/model/errors.js";
import {
  createEnvironment,
  getEnvironment,
  listEnvironments,
  updateEnvironment,
} from "../../src/store/environments-repo.js";
import {
  appendInventoryVersion,
  getInventoryVersion,
  latestInventoryVersion,
  listInventoryVersions,
  markInventoryVersionSeen,
  recordInventoryCapture,
} from "../../src/store/inventory-versions-repo.js";
import { appliedMigrations, migrateStore } from "../../src/store/migrate-store.js";
import { storeMigrations } from "../../src/store/migrations/index.js";
import { openStore } from "../../src/store/open-store.js";
import { createRun, getRun, updateRun } from "../../src/store/runs-repo.js";
import { describeStoreConformance, manualClock, rejectsWith } from "./store-targets.js";

describeStoreConformance("state store conformance", ({ dialect, open, freshUrl }) => {
  test("opening migrates once; reopening and migrating again change nothing", async () => {
    const url = await freshUrl();
    const first = await open(url);
    assert.equal(first.dialect, dialect);
    await createEnvironment(first, { name: "shop", configDigest: "d1" });
    await first.close();
    const second = await open(url);
    const again = await migrateStore(
      second.db as unknown as Kysely<unknown>,
      second.dialect,
      second.redactedUrl,
    );
    assert.deepEqual(again.applied, []);
    assert.deepEqual(
      await appliedMigrations(second.db as unknown as Kysely<unknown>),
      Object.keys(storeMigrations(dialect)),
    );
    assert.equal((await getEnvironment(second, "shop"))?.configDigest, "d1");
  });

  test("a store with a migration this build does not know is LB_STORE_SCHEMA_TOO_NEW", async () => {
    const url = await freshUrl();
    const store = await open(url);
    await sql`insert into lifeboat_migration (name, timestamp) values ('9999-future', 'x')`.execute(
      store.db,
    );
    await store.close();
    await rejectsWith(openStore(url), "LB_STORE_SCHEMA_TOO_NEW");
  });

  test("a failing migration is rolled back whole; a later known one is then TOO_NEW for older builds", async () => {
    const url = await freshUrl();
    const store = await open(url);
    const db = store.db as unknown as Kysely<unknown>;
    const initial = storeMigrations(dialect);
    const broken = {
      ...initial,
      "9998-broken": {
        async up(trx: Kysely<unknown>) {
          await trx.schema.createTable("half_done").addColumn("x", "text").execute();
          throw new Error("migration bug");
        },
      },
    };
    await rejectsWith(
      migrateStore(db, dialect, store.redactedUrl, broken),
      "LB_STORE_MIGRATION_FAILED",
    );
    assert.deepEqual(await appliedMigrations(db), Object.keys(initial));
    const tables = (await db.introspection.getTables()).map((t) => t.name);
    assert.ok(!tables.includes("half_done"), "the failed migration left nothing behind");
    assert.ok(tables.includes("runs"));

    const next = {
      ...initial,
      "9998-next": {
        async up(trx: Kysely<unknown>) {
          await trx.schema.createTable("next_table").addColumn("x", "text").execute();
        },
      },
    };
    assert.deepEqual((await migrateStore(db, dialect, store.redactedUrl, next)).applied, [
      "9998-next",
    ]);
    await store.close();
    await rejectsWith(openStore(url), "LB_STORE_SCHEMA_TOO_NEW");
  });

  test("environments: create, get, list, update with the current revision", async () => {
    const clock = manualClock();
    const store = await open(undefined, { now: clock.now });
    const created = await createEnvironment(store, { name: "shop", configDigest: "a" });
    assert.deepEqual(created, {
      name: "shop",
      tenant: "default",
      configDigest: "a",
      status: "active",
      createdAt: clock.now(),
      updatedAt: clock.now(),
      revision: 1,
    });
    await createEnvironment(store, { name: "blog", tenant: "t2", configDigest: "b" });
    await rejectsWith(
      createEnvironment(store, { name: "shop", configDigest: "x" }),
      "LB_STORE_CONFLICT",
    );
    assert.deepEqual(
      (await listEnvironments(store)).map((e) => e.name),
      ["blog", "shop"],
    );
    assert.deepEqual(
      (await listEnvironments(store, { tenant: "t2" })).map((e) => e.name),
      ["blog"],
    );
    clock.advance(1234);
    const updated = await updateEnvironment(store, "shop", 1, { status: "failed-over" });
    assert.equal(updated.revision, 2);
    assert.equal(updated.status, "failed-over");
    assert.equal(updated.configDigest, "a", "fields not in the patch are kept");
    assert.deepEqual(updated.updatedAt, clock.now());
    assert.deepEqual(updated.createdAt, created.createdAt);
    assert.deepEqual(await getEnvironment(store, "shop"), updated);
    assert.equal(await getEnvironment(store, "nope"), undefined);
  });

  test("a stale revision is LB_STORE_CONFLICT and changes nothing", async () => {
    const store = await open();
    await createEnvironment(store, { name: "shop", configDigest: "a" });
    await updateEnvironment(store, "shop", 1, { configDigest: "b" });
    await rejectsWith(
      updateEnvironment(store, "shop", 1, { configDigest: "c" }),
      "LB_STORE_CONFLICT",
    );
    assert.equal((await getEnvironment(store, "shop"))?.configDigest, "b");
    await rejectsWith(updateEnvironment(store, "nope", 1, {}), "LB_ENV_NOT_FOUND");

    await createRun(store, { id: "r1", environment: "shop", mode: "drill" });
    // Two writers read revision 1; exactly one wins.
    const results = await Promise.allSettled([
      updateRun(store, "r1", 1, { phase: "running" }),
      updateRun(store, "r1", 1, { phase: "cancelled" }),
    ]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    const loser = results.find((r) => r.status === "rejected");
    assert.ok(loser && isLifeboatError(loser.reason, "LB_STORE_CONFLICT"));
    assert.equal((await getRun(store, "r1"))?.revision, 2);
  });

  test("a transaction rolls back everything when its function throws", async () => {
    const store = await open();
    const boom = new Error("boom");
    await assert.rejects(
      store.transaction(async (tx) => {
        await createEnvironment(tx, { name: "shop", configDigest: "a" });
        await tx.transaction(async (inner) => {
          await createRun(inner, { id: "r1", environment: "shop", mode: "failover" });
        });
        assert.ok(await getRun(tx, "r1"), "visible inside the transaction");
        throw boom;
      }),
      (error) => error === boom,
    );
    assert.equal(await getEnvironment(store, "shop"), undefined);
    assert.equal(await getRun(store, "r1"), undefined);
    const committed = await store.transaction(async (tx) => {
      await createEnvironment(tx, { name: "shop", configDigest: "a" });
      return "done";
    });
    assert.equal(committed, "done");
    assert.ok(await getEnvironment(store, "shop"));
  });

  test("using the store instead of the session inside a transaction is a BugError", async () => {
    const store = await open();
    await assert.rejects(
      store.transaction(async (tx) => {
        await createEnvironment(tx, { name: "shop", configDigest: "a" });
        await getEnvironment(store, "shop"); // would wait forever on SQLite
      }),
      (error) => error instanceof BugError,
    );
    assert.equal(await getEnvironment(store, "shop"), undefined, "rolled back");
    // Outside a transaction, even concurrently with one, the store works as usual.
    await Promise.all([
      store.transaction((tx) => createEnvironment(tx, { name: "a", configDigest: "a" })),
      createEnvironment(store, { name: "b", configDigest: "b" }),
    ]);
    assert.equal((await listEnvironments(store)).length, 2);
  });

  test("inventory versions count up per environment, newest first", async () => {
    const clock = manualClock();
    const store = await open(undefined, { now: clock.now });
    await rejectsWith(
      appendInventoryVersion(store, {
        environment: "shop",
        digest: "x",
        snapshotId: "s",
        counts: {},
      }),
      "LB_ENV_NOT_FOUND",
    );
    await createEnvironment(store, { name: "shop", configDigest: "a" });
    await createEnvironment(store, { name: "blog", configDigest: "a" });
    const v1 = await appendInventoryVersion(store, {
      environment: "shop",
      digest: "d1",
      snapshotId: "snap1",
      counts: { network: 1, instance: 4 },
    });
    assert.deepEqual(v1, {
      environment: "shop",
      version: 1,
      capturedAt: clock.now(),
      lastSeenAt: clock.now(),
      digest: "d1",
      snapshotId: "snap1",
      counts: { network: 1, instance: 4 },
    });
    clock.advance(60_000);
    await appendInventoryVersion(store, {
      environment: "shop",
      digest: "d2",
      snapshotId: "s2",
      counts: {},
    });
    await appendInventoryVersion(store, {
      environment: "blog",
      digest: "b1",
      snapshotId: "s3",
      counts: {},
    });
    assert.equal((await latestInventoryVersion(store, "shop"))?.digest, "d2");
    assert.deepEqual(
      (await listInventoryVersions(store, "shop")).map((v) => v.version),
      [2, 1],
    );
    assert.deepEqual(
      (await listInventoryVersions(store, "shop", { beforeVersion: 2 })).map((v) => v.digest),
      ["d1"],
    );
    clock.advance(5000);
    const seen = await markInventoryVersionSeen(store, "shop", 2);
    assert.deepEqual(seen.lastSeenAt, clock.now());
    const earlier = await markInventoryVersionSeen(store, "shop", 2, new Date(0));
    assert.deepEqual(earlier.lastSeenAt, clock.now(), "last seen never moves backwards");
    await rejectsWith(markInventoryVersionSeen(store, "shop", 9), "LB_VERSION_NOT_FOUND");
    assert.equal(await getInventoryVersion(store, "shop", 9), undefined);
    await assert.rejects(
      appendInventoryVersion(store, {
        environment: "shop",
        digest: "d",
        snapshotId: "s",
        counts: { instance: -1 },
      }),
      (error) => isLifeboatError(error, "LB_INVALID_INPUT"),
    );

    // Concurrent captures never collide on a version number.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        appendInventoryVersion(store, {
          environment: "shop",
          digest: `c${i}`,
          snapshotId: "s",
          counts: {},
        }),
      ),
    );
    assert.deepEqual(
      (await listInventoryVersions(store, "shop")).map((v) => v.version),
      Array.from({ length: 12 }, (_, i) => 12 - i),
    );
  });

  test("recording captures: an unchanged inventory moves lastSeenAt, even when concurrent", async () => {
    const clock = manualClock();
    const store = await open(undefined, { now: clock.now });
    await createEnvironment(store, { name: "shop", configDigest: "a" });
    const capture = (digest: string) =>
      recordInventoryCapture(store, {
        environment: "shop",
        digest,
        snapshotId: digest,
        counts: {},
      });
    const first = await capture("d1");
    assert.deepEqual([first.created, first.version.version], [true, 1]);
    clock.advance(60_000);
    const same = await capture("d1");
    assert.deepEqual([same.created, same.version.version], [false, 1]);
    assert.deepEqual(same.version.lastSeenAt, clock.now());
    assert.deepEqual(same.version.capturedAt, first.version.capturedAt);
    const results = await Promise.all([capture("d2"), capture("d2"), capture("d2"), capture("d1")]);
    const versions = await listInventoryVersions(store, "shop");
    const created = results.filter((r) => r.created).length;
    assert.equal(versions.length, 1 + created);
    for (let i = 1; i < versions.length; i++) {
      assert.notEqual(versions[i]?.digest, versions[i - 1]?.digest, "no two consecutive equal");
    }
    await rejectsWith(
      capture("zz").then(() =>
        recordInventoryCapture(store, {
          environment: "nope",
          digest: "x",
          snapshotId: "x",
          counts: {},
        }),
      ),
      "LB_ENV_NOT_FOUND",
    );
  });

  test("a labelled version (a failback's copy) is listed and read, recorded once, never the latest", async () => {
    const store = await open();
    await createEnvironment(store, { name: "shop", configDigest: "a" });
    const capture = (digest: string, label?: string) =>
      recordInventoryCapture(store, {
        environment: "shop",
        digest,
        snapshotId: digest,
        counts: {},
        ...(label === undefined ? {} : { label }),
      });
    await capture("d1");
    const copy = await capture("c1", "copy:run-1");
    assert.deepEqual(
      [copy.created, copy.version.version, copy.version.label],
      [true, 2, "copy:run-1"],
    );
    // Recorded again (a resumed step): the same version, whatever it found this time.
    const again = await capture("c2", "copy:run-1");
    assert.deepEqual([again.created, again.version.version], [false, 2]);
    assert.equal((await latestInventoryVersion(store, "shop"))?.version, 1);
    // The primary unchanged since version 1 adds nothing: it is compared with its own latest.
    assert.deepEqual((await capture("d1")).created, false);
    assert.deepEqual(
      (await listInventoryVersions(store, "shop")).map((v) => [v.version, v.label ?? null]),
      [
        [2, "copy:run-1"],
        [1, null],
      ],
    );
    const changed = await capture("d2");
    assert.deepEqual([changed.created, changed.version.version], [true, 3]);
    assert.equal(changed.version.label, undefined);
  });

  test("a row that does not parse is LB_STORE_CORRUPT", async () => {
    const store = await open();
    await createEnvironment(store, { name: "shop", configDigest: "a" });
    await createRun(store, { id: "r1", environment: "shop", mode: "drill" });
    await store.db.updateTable("runs").set({ phase: "exploded" }).where("id", "=", "r1").execute();
    await rejectsWith(getRun(store, "r1"), "LB_STORE_CORRUPT");
    await store.db
      .updateTable("runs")
      .set({ phase: "pending", plan_json: "{not json" })
      .where("id", "=", "r1")
      .execute();
    await rejectsWith(getRun(store, "r1"), "LB_STORE_CORRUPT");
  });
});

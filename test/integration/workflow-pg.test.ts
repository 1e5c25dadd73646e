/**
 * Acceptance against a real PostgreSQL: pg-quiesce → snapshot → pg-unquiesce holds a concurrent
 * writer back only during the window (the server shows its session waiting for our lock) and
 * lets it go after; the recovery point restores to exactly the rows committed before the point.
 * A failure injected in snapshot still runs both undo halves, in reverse order.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { engineRecoveryPoints } from "../../src/compose-snapshot.js";
import { storePointLog } from "../../src/composition.js";
import { systemClock } from "../../src/model/clock.js";
import { workflowSchema } from "../../src/model/workflow.js";
import { standaloneBuiltins } from "../../src/plugins/builtin/index.js";
import { snapshotPlugin } from "../../src/plugins/builtin/snapshot.js";
import { PluginRegistry } from "../../src/plugins/plugin-registry.js";
import { postgresBin } from "../../src/protect/pg/pg-binaries.js";
import { restore } from "../../src/repository/archiver/api.js";
import type { Repository } from "../../src/repository/repository.js";
import { createEnvironment } from "../../src/store/environments-repo.js";
import { openStore } from "../../src/store/open-store.js";
import { listRecoveryPoints } from "../../src/store/recovery-points-repo.js";
import type { Store } from "../../src/store/store.js";
import { planWorkflow } from "../../src/workflows/workflow-plan.js";
import { WorkflowRunner } from "../../src/workflows/workflow-runner.js";
import { createDatabaseOn, testPostgresDatabase } from "../harness/postgres.js";
import { createOrders, startWriter } from "../fixtures/pg-writer.js";
import { fsPlace, initRepo } from "./repo-fixture.js";

let dir = "";
let appUrl = "";
let adminUrl = "";
let release: () => Promise<void> = async () => undefined;
let store: Store;
let repo: Repository;
let admin: pg.Client;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "lifeboat-wf-pg-"));
  const database = await testPostgresDatabase("wfpg");
  appUrl = database.url;
  release = database.release;
  const url = new URL(appUrl);
  url.pathname = "/postgres";
  adminUrl = url.toString();
  await createOrders(appUrl);
  admin = new pg.Client({ connectionString: appUrl });
  await admin.connect();
  store = await openStore(`sqlite:${join(dir, "state.db")}`);
  await createEnvironment(store, { name: "shop", configDigest: "d" });
  repo = await initRepo(await fsPlace());
});

after(async () => {
  await admin.end();
  await store.close();
  await repo.close();
  await release();
  rmSync(dir, { recursive: true, force: true });
});

function registry(failSnapshot = false): PluginRegistry {
  const r = new PluginRegistry();
  for (const plugin of standaloneBuiltins) r.register(plugin);
  const points = engineRecoveryPoints({
    repository: async () => repo,
    points: storePointLog(store),
    clock: systemClock,
  });
  r.register(
    snapshotPlugin(
      failSnapshot
        ? {
            takeGroup: async (request) => {
              // The real port, pointed at a database that does not exist: pg_dump fails.
              const broken = new URL(appUrl);
              broken.pathname = "/no_such_database";
              const items = request.items.map((i) =>
                i.kind === "postgres" ? { ...i, url: broken.toString() } : i,
              );
              return await points.takeGroup({ ...request, items });
            },
          }
        : points,
    ),
  );
  return r;
}

const db = { database: { urlEnv: "APP_DB", tables: ["orders"] } };
const steps = [
  { id: "quiesce-db", action: "pg-quiesce", target: db, undo: "unquiesce-db" },
  { id: "freeze", action: "exec", with: { command: "true" }, undo: "thaw" },
  { id: "snap", action: "snapshot", target: { database: { urlEnv: "APP_DB" } } },
  { id: "hold", action: "exec", with: { command: ["sleep", "1"] } },
  { id: "thaw", action: "exec", with: { command: "true" } },
  { id: "unquiesce-db", action: "pg-unquiesce", target: db },
];

test("the writer waits only during the window; the point restores to exactly what was committed", async () => {
  const r = registry();
  const plan = planWorkflow("consistent", workflowSchema.parse({ steps }), r);
  const writer = await startWriter(appUrl);
  try {
    await writer.more(20);
    let sawBlocked = false;
    let released = 0;
    const runner = new WorkflowRunner({
      store,
      registry: r,
      env: { APP_DB: appUrl },
      onEvent: (e) => {
        if (e.stepId === "unquiesce-db" && e.type === "step.succeeded") released = Date.now();
      },
    });
    const running = runner.run(plan, "shop");
    let done = false;
    void running.finally(() => (done = true));
    while (!done) {
      if (await writer.blocked(admin)) sawBlocked = true;
      await new Promise((resolve) => setTimeout(resolve, 25)); // sampling the server's view
    }
    const report = await running;
    assert.equal(report.phase, "succeeded", JSON.stringify(report.error));
    assert.ok(sawBlocked, "the writer's session waited for the quiesce lock");
    // One insert was held back across the window (≥ the 1 s hold), and writes flow after it.
    const longest = Math.max(...writer.writes.map((w) => w.finishedAt - w.startedAt));
    assert.ok(longest >= 900, `longest insert ${longest} ms`);
    await writer.more(10);
    assert.ok(writer.writes.filter((w) => w.finishedAt > released).length >= 10);
    assert.equal(await writer.blocked(admin), false);

    // Restore the recovery point into a fresh database: it holds every row committed before the
    // point and none after — the held-back insert is not in it.
    const snap = report.steps.find((s) => s.id === "snap")?.outputs as {
      group: string;
      time: string;
      items: { snapshot: string }[];
    };
    // Taken by the protection engine: a recovery point row, listed by `lifeboat points`.
    const recorded = await listRecoveryPoints(store, "shop", { groupId: snap.group });
    assert.deepEqual(
      recorded.map((p) => [p.kind, p.method, p.snapshotId, p.at.toISOString()]),
      [["database", "dump", snap.items[0]?.snapshot, snap.time]],
    );
    const dump = join(dir, "restored.dump");
    await restore(repo, { snapshot: snap.items[0]?.snapshot ?? "", target: dump });
    const restoredUrl = await createDatabaseOn(adminUrl, "restored");
    const pgRestore = spawnSync(
      postgresBin("pg_restore"),
      ["--no-owner", "-d", restoredUrl, dump],
      {
        encoding: "utf8",
      },
    );
    assert.equal(pgRestore.status, 0, pgRestore.stderr);
    const restored = new pg.Client({ connectionString: restoredUrl });
    await restored.connect();
    const got = await restored.query<{ count: string; max: number }>(
      "SELECT count(*)::text AS count, max(id) AS max FROM orders",
    );
    await restored.end();
    const max = got.rows[0]?.max ?? 0;
    const live = await admin.query<{ count: string }>(
      "SELECT count(*)::text AS count FROM orders WHERE id <= $1",
      [max],
    );
    assert.equal(got.rows[0]?.count, live.rows[0]?.count, "no committed row is missing");
    const held = writer.writes.find((w) => w.finishedAt - w.startedAt === longest);
    assert.ok(held && held.id > max, "the insert held back by the quiesce is after the point");
  } finally {
    await writer.stop();
  }
});

test("a failure injected in snapshot: both unquiesce steps run, in reverse order; the code is reported", async () => {
  const r = registry(true);
  const plan = planWorkflow("consistent", workflowSchema.parse({ steps }), r);
  const writer = await startWriter(appUrl);
  try {
    const runner = new WorkflowRunner({ store, registry: r, env: { APP_DB: appUrl } });
    const report = await runner.run(plan, "shop");
    assert.equal(report.phase, "failed");
    assert.equal(report.error?.code, "LB_ACTION_FAILED");
    assert.equal(report.steps.find((s) => s.id === "snap")?.error?.code, "LB_ACTION_FAILED");
    assert.deepEqual(report.undoneOutOfOrder, [
      { step: "thaw", role: "undo" },
      { step: "unquiesce-db", role: "undo" },
    ]);
    assert.equal(report.steps.find((s) => s.id === "hold")?.phase, "skipped");
    await writer.more(10, 10_000);
    assert.equal(await writer.blocked(admin), false, "writes flow after the failure");
  } finally {
    await writer.stop();
  }
});

/**
 * A failover whose executor is paused (SIGSTOP) past its run lease, at the worst moment: its
 * handler has just asked moto whether the recovered machine exists (no) and is about to create
 * it. Another process takes the run over once the lease expired and finishes it. When the
 * paused process wakes up (SIGCONT) it must neither write to the journal (fenced:
 * LB_RUN_LOCKED, exit 5) nor send the RunInstances it was about to send, nor any other change
 * to the cloud: exactly one recovered machine, and nothing but reads through the proxy.
 */
import { strict as assert } from "node:assert";
import { test } from "node:test";
import pg from "pg";
import { openStore } from "../../src/store/open-store.js";
import { requireRun } from "../../src/store/runs-repo.js";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { listSteps } from "../../src/store/steps-repo.js";
import { countByRunTag } from "../integration/recover-fixture.js";
import { testPostgresDatabase } from "../harness/postgres.js";
import { expectError, expectJson } from "./capture-fixture.js";
import { failoverWorld, readOnly, throughProxy } from "./failover-fixture.js";
import { delta, spawnLifeboat, target, type LiveCli, type ReportJson } from "./recover-fixture.js";

const ttl = "5s";

/**
 * Stops `live` at a moment it holds no open transaction (a stopped process inside one would
 * block every other writer of the run's row): stop, look, and if it was mid-transaction let it
 * run on briefly and stop it again.
 */
async function stopOutsideTransactions(live: LiveCli, url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (;;) {
      live.proc.kill("SIGSTOP");
      const open = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null`,
      );
      if (open.rows[0]?.n === 0) return;
      live.proc.kill("SIGCONT");
      await new Promise((resolve) => setTimeout(resolve, 20)); // polling another process
    }
  } finally {
    await client.end();
  }
}

test("an executor paused past its lease is fenced when it wakes: no journal write, no cloud change", async (t) => {
  const database = await testPostgresDatabase("failover-pause");
  const world = await failoverWorld((c) =>
    c.set("state", database.url).set("execution", { leaseTtl: ttl }),
  );
  const proxy = await throughProxy(world);
  const store = await openStore(database.url);
  let paused: LiveCli | undefined;
  try {
    // The recovered machine's find-or-create: hold moto's "none found" on its way back.
    const held = proxy.hold(
      (r) =>
        r.operation === "DescribeInstances" &&
        r.body.includes("tag%3Alifeboat%3Asource-id") &&
        r.body.includes("instance-state-name"),
    );
    paused = spawnLifeboat(world.ws, ["recover", "shop", "--yes", "--json"]);
    const runId = await paused.runId;
    await held;
    // Let the steps that do not wait for the machine finish: then the machine step's handler,
    // waiting for the held answer, is the only thing the process is doing when it is paused.
    const machineStep = (await listSteps(store, runId)).find((s) =>
      s.stepId.startsWith("create:machine:"),
    );
    assert.ok(machineStep, "a machine is rebuilt");
    for (;;) {
      const running = (await listSteps(store, runId)).filter((s) => s.phase === "running");
      if (running.length === 1 && running[0]?.stepId === machineStep.stepId) break;
      assert.equal(paused.proc.exitCode, null, "the failover ended before it was paused");
      await new Promise((resolve) => setTimeout(resolve, 50)); // polling another process
    }
    await stopOutsideTransactions(paused, database.url);

    // Takeover: only once the lease expired (store time), by another process.
    for (;;) {
      const run = await requireRun(store, runId);
      if ((run.leaseExpiresAt?.getTime() ?? 0) < Date.now()) break;
      await new Promise((resolve) => setTimeout(resolve, 100)); // polling the store
    }
    const resumed = expectJson<ReportJson>(await world.ws.cli(["resume", runId, "--json"]));
    assert.equal(resumed.report.phase, "succeeded");
    assert.match((await world.shopRecord()).dnsName ?? "", /us-west-2/);
    const journaled = (await listStepEvents(store, runId)).length;
    const sentBefore = proxy.requests.length;

    // Wake the paused executor with the answer it was waiting for.
    proxy.release();
    paused.proc.kill("SIGCONT");
    const woke = await paused.done;
    assert.equal(expectError(woke, 5).code, "LB_RUN_LOCKED");

    const sentAfter = proxy.requests.slice(sentBefore).map((r) => r.operation);
    t.diagnostic(`the woken process sent: ${sentAfter.join(", ") || "nothing"}`);
    assert.deepEqual(
      sentAfter.filter((op) => !readOnly(op)),
      [],
      "no cloud change after waking",
    );
    assert.equal((await listStepEvents(store, runId)).length, journaled, "no journal write");
    const west = world.clients.region(target).ec2;
    const bySource = await countByRunTag(west, runId);
    assert.deepEqual(
      [...bySource].filter(([k, n]) => n > 1 && !k.startsWith("instance:scaling")),
      [],
      "nothing made twice",
    );
    assert.deepEqual(delta(await world.targetCounts(), world.baseline), world.sourceCounts);
    t.diagnostic(`by source: ${JSON.stringify([...bySource])}`);
    assert.equal(bySource.get(`instance:${machineStep.stepId.slice("create:".length)}`), 1);
    const report = expectJson<ReportJson>(await world.ws.cli(["run", runId, "--json"])).report;
    assert.equal(report.phase, "succeeded");
    assert.ok(report.steps.every((s) => s.phase === "succeeded"));
  } finally {
    paused?.proc.kill("SIGKILL");
    await store.close();
    await proxy.close();
    await world.close();
    await database.release();
  }
});

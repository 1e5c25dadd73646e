/**
 * Two `serve` processes share one PostgreSQL store and watch the shop; its health endpoint
 * stops. Only the leader starts a failover. It is killed (SIGKILL) mid-way: rebuild steps
 * journaled done, and the recovered machine's RunInstances made in moto (through a recording
 * proxy) with its answer never delivered. The other server becomes leader, sees the incident's
 * run and starts no second one, takes the run over only once its lease expired, and finishes
 * it: the machine is adopted, not made again; every rebuilt resource exists once; DNS was
 * changed once; the primary is fenced; the run's report is consistent.
 */
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { getEnvironment } from "../../src/store/environments-repo.js";
import { openStore } from "../../src/store/open-store.js";
import { listRuns, requireRun } from "../../src/store/runs-repo.js";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { listSteps } from "../../src/store/steps-repo.js";
import { countByRunTag } from "../integration/recover-fixture.js";
import { testPostgresDatabase } from "../harness/postgres.js";
import { failoverWorld, localEndpoint, throughProxy } from "./failover-fixture.js";
import { delta, target } from "./recover-fixture.js";
import { eventually, leads, logged, ServeGroup } from "./serve-fixture.js";

interface ReportSteps {
  readonly phase: string;
  readonly steps: readonly {
    stepId: string;
    phase: string;
    attempts: number;
    resolution: string | null;
  }[];
}

test("the leader killed mid-failover: the other server finishes the run once its lease expired, nothing twice", async (t) => {
  const database = await testPostgresDatabase("serve-failover-kill");
  const primary = await localEndpoint();
  // The run lease outlives the scheduler lease: the new leader leads before the run is orphaned.
  const world = await failoverWorld((c) =>
    c
      .set("state", database.url)
      .set("environments.shop.capture.every", "1h")
      .set("environments.shop.health", [{ http: { url: primary.url, every: "1s", timeout: "1s" } }])
      .set("environments.shop.failover", { action: "auto-failover", after: 2 })
      .set("server", { leaderTtl: "2s", shutdownGrace: "5s" })
      .set("execution", { leaseTtl: "4s" }),
  );
  const proxy = await throughProxy(world);
  const store = await openStore(database.url);
  const servers = new ServeGroup(["--config", world.ws.config], world.ws.dir);
  const serve = () => servers.start();
  try {
    const a = await serve();
    await eventually("a to lead", async () => ((await leads(a)) ? true : undefined));
    const b = await serve();

    const held = proxy.hold((r) => r.operation === "RunInstances");
    await primary.stop();
    await held;
    const [run, ...others] = await listRuns(store, { environment: "shop" });
    assert.ok(run && others.length === 0, "one run for the outage");
    assert.equal(run.mode, "failover");
    const steps = await listSteps(store, run.id);
    const machine = steps.find((s) => s.stepId.startsWith("create:machine:"));
    assert.equal(machine?.phase, "running", "RunInstances sent, its answer not journaled");
    assert.ok(
      steps.some((s) => s.phase === "succeeded"),
      "some steps journaled done",
    );
    assert.deepEqual(logged(b, "watch.failover.started"), [], "the follower starts nothing");

    a.child.kill("SIGKILL");
    const killedAt = Date.now();
    await a.exited;
    const cut = await requireRun(store, run.id);
    assert.equal(cut.phase, "running");
    const expiry = cut.leaseExpiresAt;
    assert.ok(expiry, "the dead leader's lease is still recorded");

    const done = await eventually(
      "the run to end",
      async () => {
        const now = await requireRun(store, run.id);
        return ["succeeded", "failed", "cancelled"].includes(now.phase) ? now : undefined;
      },
      240_000,
    );
    t.diagnostic(
      `kill → run ${done.phase} in ${Date.now() - killedAt} ms (lease expired ${expiry.getTime() - killedAt} ms after the kill)`,
    );
    assert.equal(done.phase, "succeeded", b.stderr());

    // Taken over by b, and only once a's lease had expired.
    assert.ok(logged(b, "leader.gained").length > 0);
    // (Asked again after two ttls if its resume has not taken the lease by then: a slow host.)
    const asked = logged(b, "run.resumed").map((l) => l.runId);
    assert.ok(asked.length > 0 && asked.every((id) => id === run.id), asked.join());
    const journal = await listStepEvents(store, run.id);
    const resumed = journal.filter((e) => e.type === "run.resumed");
    assert.equal(resumed.length, 1);
    assert.ok(
      resumed[0]!.at.getTime() >= expiry.getTime(),
      `resumed at ${resumed[0]!.at.toISOString()}, lease expired ${expiry.toISOString()}`,
    );
    // The incident's run is the only one; b saw it and started none.
    assert.deepEqual(logged(b, "watch.failover.started"), []);
    assert.deepEqual(
      (await listRuns(store, { environment: "shop" })).map((r) => r.id),
      [run.id],
    );

    // The report: every step done once; the machine adopted by its second attempt.
    const report = done.report as unknown as ReportSteps;
    assert.equal(report.phase, "succeeded");
    assert.deepEqual(
      report.steps.filter((s) => s.phase !== "succeeded").map((s) => s.stepId),
      [],
    );
    const machineReport = report.steps.find((s) => s.stepId === machine?.stepId);
    assert.equal(machineReport?.resolution, "adopted");
    assert.equal(machineReport?.attempts, 2);

    // In moto: one copy of everything, DNS changed once, the primary fenced.
    const west = world.clients.region(target).ec2;
    const bySource = await countByRunTag(west, run.id);
    assert.deepEqual(
      [...bySource].filter(([k, n]) => n > 1 && !k.startsWith("instance:scaling")),
      [],
    );
    assert.deepEqual(delta(await world.targetCounts(), world.baseline), world.sourceCounts);
    assert.equal(proxy.requests.filter((r) => r.operation === "RunInstances").length, 1);
    // Each record changed by one request (the move of shop.example.com, the planner's db CNAME).
    const changed = proxy.requests
      .filter((r) => r.operation === "ChangeResourceRecordSets")
      .flatMap((r) => [...r.body.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1]));
    t.diagnostic(`records changed: ${changed.join(", ")}`);
    assert.equal(changed.filter((name) => name === "shop.example.com.").length, 1, "moved once");
    assert.equal(new Set(changed).size, changed.length, "no record changed twice");
    assert.match((await world.shopRecord()).dnsName ?? "", /^shop-alb-dr-1\.us-west-2\./);
    assert.deepEqual(await world.primaryGroup(), { min: 0, desired: 0 });
    assert.equal((await getEnvironment(store, "shop"))?.status, "failed-over");

    b.child.kill("SIGTERM");
    assert.equal(await b.exited, 0, b.stderr());
  } finally {
    servers.killAll();
    await store.close();
    await proxy.close();
    await primary.stop();
    await world.close();
    await database.release();
  }
});

/**
 * `lifeboat serve` acts on failover decisions (issue 7): two servers on one PostgreSQL store,
 * the shop in moto's us-east-1 whose health endpoint is a local HTTP server. Stop it → the
 * leader's watcher decides → the leader starts the failover run → shop.example.com points to
 * the recovered load balancer in us-west-2 and `GET /api/v1/runs` lists the run. The follower
 * starts nothing; once the leader is killed the follower takes over, replays the open
 * incident's failover and skips it: still one run for the incident.
 */
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { getEnvironment } from "../../src/store/environments-repo.js";
import { leaseHolder } from "../../src/store/named-lease.js";
import { openStore } from "../../src/store/open-store.js";
import { listRuns } from "../../src/store/runs-repo.js";
import { incidentRunId } from "../../src/watch/failover-listener.js";
import { listDecisions } from "../../src/watch/store-decision-sink.js";
import { testPostgresDatabase } from "../harness/postgres.js";
import { expectJson } from "./capture-fixture.js";
import { failoverWorld, localEndpoint } from "./failover-fixture.js";
import { eventually, leads, logged, ServeGroup } from "./serve-fixture.js";

test("the leader fails over on a decision; the follower, then the new leader, start nothing more", async (t) => {
  const database = await testPostgresDatabase("serve-failover");
  const primary = await localEndpoint();
  const world = await failoverWorld((c) =>
    c
      .set("state", database.url)
      .set("environments.shop.capture.every", "1h")
      .set("environments.shop.health", [{ http: { url: primary.url, every: "1s", timeout: "1s" } }])
      .set("environments.shop.failover", { action: "auto-failover", after: 2 })
      .set("server", { leaderTtl: "3s", shutdownGrace: "5s" }),
  );
  const store = await openStore(database.url);
  const servers = new ServeGroup(["--config", world.ws.config], world.ws.dir);
  const serve = () => servers.start();
  try {
    const { secret } = expectJson<{ secret: string }>(
      await world.ws.cli(["token", "create", "--name", "e2e", "--json"]),
    );
    const a = await serve();
    await eventually("a to lead", async () => ((await leads(a)) ? true : undefined));
    const b = await serve();
    assert.match((await world.shopRecord()).dnsName ?? "", /us-east-1/);

    const stoppedAt = Date.now();
    await primary.stop();
    const run = await eventually(
      "a failover run to succeed",
      async () => {
        const runs = await listRuns(store, { environment: "shop" });
        const done = runs.find((r) => r.mode === "failover" && r.phase === "succeeded");
        return done ?? (runs.some((r) => r.phase === "failed") ? null : undefined);
      },
      240_000,
    );
    assert.ok(run, `the failover run failed:\n${a.stderr()}`);
    t.diagnostic(`endpoint stopped → serve's failover succeeded in ${Date.now() - stoppedAt} ms`);
    assert.match((await world.shopRecord()).dnsName ?? "", /^shop-alb-dr-1\.us-west-2\./);
    assert.equal((await getEnvironment(store, "shop"))?.status, "failed-over");

    // The run is the incident's, started by the leader and listed by the API.
    const decided = (await listDecisions(store, "shop")).find(
      (d) => d.decision.action === "auto-failover",
    );
    assert.ok(decided, "the decision is recorded");
    assert.equal(run.id, incidentRunId("shop", decided.decision.incidentId));
    assert.deepEqual(
      logged(a, "watch.failover.started").map((l) => l.runId),
      [run.id],
    );
    const listed = await b.get("/api/v1/runs?environment=shop", secret);
    assert.equal(listed.status, 200, listed.text);
    const rows = (listed.json as { runs: { id: string; mode: string; phase: string }[] }).runs;
    assert.deepEqual(
      rows.map((r) => [r.id, r.mode, r.phase]),
      [[run.id, "failover", "succeeded"]],
    );
    assert.equal(await leads(b), false);
    assert.deepEqual(logged(b, "watch.failover.started"), [], "the follower starts nothing");

    // Leader change: b takes over with the incident still open, sees the run, starts none.
    a.child.kill("SIGKILL");
    await a.exited;
    await eventually("b to lead", async () => ((await leads(b)) ? true : undefined));
    const skipped = await eventually(
      "b to replay the incident's failover",
      async () => logged(b, "watch.failover.skipped")[0],
    );
    assert.equal(skipped.incidentId, decided.decision.incidentId);
    assert.deepEqual(logged(b, "watch.failover.started"), []);
    assert.deepEqual(
      (await listRuns(store, { environment: "shop" })).map((r) => r.id),
      [run.id],
    );
    b.child.kill("SIGTERM");
    assert.equal(await b.exited, 0, b.stderr());
    assert.equal(await leaseHolder(store, "scheduler"), undefined);
  } finally {
    servers.killAll();
    await store.close();
    await primary.stop();
    await world.close();
    await database.release();
  }
});

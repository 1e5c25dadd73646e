// The acceptance of issue 7 (items 3 and 4) through the built CLI: the shop in moto's
// us-east-1 whose health endpoint is a local HTTP server; `lifeboat watch shop` runs; the
// server stops → the watcher decides → a failover run rebuilds the shop in us-west-2, checks
// the recovered endpoint, moves shop.example.com to the recovered load balancer, scales the
// primary's group to 0 and stops its instance. With failover-with-approval the run waits at
// the DNS step until `lifeboat approve`.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { getEnvironment } from "../../src/store/environments-repo.js";
import { expectJson } from "./capture-fixture.js";
import { failoverWorld, localEndpoint, untilWaiting } from "./failover-fixture.js";
import { spawnLifeboat, workspaceStore, type LiveCli } from "./recover-fixture.js";

interface WatchLine {
  readonly type: string;
  readonly runId?: string;
  readonly phase?: string;
  readonly approval?: boolean;
}

/** The NDJSON lines `watch --json` printed so far, and a way to wait for one. */
function watchLines(live: LiveCli) {
  const lines: WatchLine[] = [];
  let buffer = "";
  live.runId.catch(() => undefined); // watch prints no `run <id>` header
  live.proc.stdout?.on("data", (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as WatchLine);
  });
  const next = async (type: string, timeoutMs = 240_000): Promise<WatchLine> => {
    for (let waited = 0; waited < timeoutMs; waited += 50) {
      const found = lines.find((l) => l.type === type);
      if (found) return found;
      if (live.proc.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ended = live.proc.exitCode === null ? "" : ` (watch exited: ${(await live.done).stderr})`;
    assert.fail(`no ${type} line; got ${JSON.stringify(lines)}${ended}`);
  };
  return { lines, next };
}

async function watchedShop(action: "auto-failover" | "failover-with-approval") {
  const primary = await localEndpoint();
  const world = await failoverWorld((c) =>
    c
      .set("environments.shop.health", [{ http: { url: primary.url, every: "1s", timeout: "1s" } }])
      .set("environments.shop.failover", { action, after: 2 }),
  );
  return { primary, world };
}

test("the health endpoint stops → auto-failover: DNS to us-west-2, primary at 0 and stopped", async (t) => {
  const { primary, world } = await watchedShop("auto-failover");
  const store = await workspaceStore(world.ws);
  try {
    const live = spawnLifeboat(world.ws, ["watch", "shop", "--json"]);
    const watch = watchLines(live);
    await watch.next("watch.started");
    assert.match((await world.shopRecord()).dnsName ?? "", /us-east-1/);
    const stoppedAt = Date.now();
    await primary.stop();
    const started = await watch.next("failover.started");
    assert.equal(started.approval, false);
    const finished = await watch.next("failover.finished");
    t.diagnostic(`endpoint stopped → failover finished in ${Date.now() - stoppedAt} ms`);
    assert.equal(finished.phase, "succeeded");
    assert.equal(finished.runId, started.runId);
    assert.match((await world.shopRecord()).dnsName ?? "", /^shop-alb-dr-1\.us-west-2\./);
    assert.deepEqual(await world.primaryGroup(), { min: 0, desired: 0 });
    assert.equal(await world.bastionState(), "stopped");
    assert.equal((await getEnvironment(store, "shop"))?.status, "failed-over");
    live.proc.kill("SIGTERM");
    const done = await live.done;
    assert.equal(done.code, 0, done.stderr);
    assert.ok(watch.lines.some((l) => l.type === "decision"));
    assert.equal(watch.lines.at(-1)?.type, "watch.stopped");
  } finally {
    await store.close();
    await primary.stop();
    await world.close();
  }
});

test("failover-with-approval: the watcher's run waits at the DNS step until approve", async () => {
  const { primary, world } = await watchedShop("failover-with-approval");
  const store = await workspaceStore(world.ws);
  try {
    const live = spawnLifeboat(world.ws, ["watch", "shop", "--json"]);
    const watch = watchLines(live);
    await watch.next("watch.started");
    const before = await world.shopRecord();
    await primary.stop();
    const started = await watch.next("failover.started");
    assert.equal(started.approval, true);
    await untilWaiting(store, started.runId!);
    assert.deepEqual(await world.shopRecord(), before, "DNS waits for the approval");
    assert.ok((await world.primaryGroup()).desired > 0, "the primary is not fenced yet");
    expectJson(await world.ws.cli(["approve", started.runId!, "--by", "on-call", "--json"]));
    const finished = await watch.next("failover.finished");
    assert.equal(finished.phase, "succeeded");
    assert.match((await world.shopRecord()).dnsName ?? "", /us-west-2/);
    assert.deepEqual(await world.primaryGroup(), { min: 0, desired: 0 });
    live.proc.kill("SIGTERM");
    assert.equal((await live.done).code, 0);
  } finally {
    await store.close();
    await primary.stop();
    await world.close();
  }
});

/**
 * The window between a failover decision and its run (docs/watch.md, "Acting on decisions"):
 * a watcher (a previous `serve` leader) recorded an auto-failover and died before its run was
 * recorded. The next watcher, built from the config by the composition root as `serve` and
 * `watch` build it, restores the open incident (so it never decides it again) and replays its
 * failover to `startFailover`; an incident closed by `recovered` is not replayed.
 */
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { environmentWatch } from "../../src/composition.js";
import { loadConfig, type LoadedConfig } from "../../src/config/load-config.js";
import { systemClock } from "../../src/model/clock.js";
import type { WatchDecision } from "../../src/model/failover-policy.js";
import { RecordingLogger } from "../../src/model/logger.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { storeDecisionSink } from "../../src/watch/store-decision-sink.js";
import { makeTempDir } from "../e2e/cli.js";
import { ConfigBuilder } from "../e2e/config-builder.js";
import { localEndpoint, type LocalEndpoint } from "../e2e/failover-fixture.js";

const temp = makeTempDir("lifeboat-watch-replay-");
let health: LocalEndpoint;
let loaded: LoadedConfig;
let store: Store;

before(async () => {
  health = await localEndpoint();
  const file = ConfigBuilder.shop({ endpoint: "http://127.0.0.1:9" })
    .set("environments.shop.health", [{ http: { url: health.url, every: "1h" } }])
    .set("environments.shop.failover", { action: "auto-failover", after: 2 })
    .writeTo(temp.path);
  loaded = await loadConfig({ config: file, env: {} });
  store = await openStore("sqlite::memory:");
});

after(async () => {
  await store?.close();
  await health?.stop();
  temp.remove();
});

const decision = (
  incident: string,
  kind: WatchDecision["kind"],
  action: WatchDecision["action"],
): WatchDecision => ({
  environment: "shop",
  incidentId: `shop@${incident}`,
  at: new Date(),
  kind,
  action,
  requestedAction: action,
  rule: kind === "recovered" ? null : "default",
  reasons: [],
  evidence: [],
  quorum: kind === "recovered" ? null : { required: 1, met: 1 },
  recoveryPoint: null,
});

/** Starts a watcher on the store as it stands and returns the failovers it started. */
async function startsOnRestart(): Promise<{ incidentId: string; approval: boolean }[]> {
  const started: { incidentId: string; approval: boolean }[] = [];
  const watch = await environmentWatch(loaded, "shop", {
    store,
    clock: systemClock,
    logger: new RecordingLogger(),
    env: {},
    startFailover: async ({ decision: d, approval }) => {
      started.push({ incidentId: d.incidentId, approval });
    },
  });
  assert.ok(watch);
  watch.start();
  // The replay is queued at start on a chain of promise reactions: one macrotask later it ran.
  await new Promise((resolve) => setImmediate(resolve));
  await watch.stop();
  return started;
}

test("an open incident's recorded failover is started by the next watcher", async () => {
  const sink = storeDecisionSink(store);
  await sink.record(decision("2026-11-22T05:00:00.000Z", "action", "alert"));
  await sink.record(decision("2026-11-22T05:00:00.000Z", "action", "auto-failover"));
  assert.deepEqual(await startsOnRestart(), [
    { incidentId: "shop@2026-11-22T05:00:00.000Z", approval: false },
  ]);
});

test("a recovered incident is not replayed", async () => {
  const sink = storeDecisionSink(store);
  await sink.record(decision("2026-11-22T05:00:00.000Z", "recovered", null));
  assert.deepEqual(await startsOnRestart(), []);
});

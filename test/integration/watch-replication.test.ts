/**
 * The `replication` probe of a watcher built by the composition root (as `serve` and `watch`
 * build it) reads PostgreSQL freshness from `recovery_points` (docs/pg-protection.md,
 * "Recovery points"): a WAL point older than the RPO budget is `REPLICATION_STALLED`, a fresh
 * one `OK`.
 */
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { environmentWatch } from "../../src/composition.js";
import { loadConfig, type LoadedConfig } from "../../src/config/load-config.js";
import { systemClock } from "../../src/model/clock.js";
import { RecordingLogger } from "../../src/model/logger.js";
import { walPoint } from "../../src/protect/pg/pg-points.js";
import { openStore } from "../../src/store/open-store.js";
import { recordRecoveryPoint } from "../../src/store/recovery-points-repo.js";
import type { Store } from "../../src/store/store.js";
import { makeTempDir } from "../e2e/cli.js";
import { ConfigBuilder } from "../e2e/config-builder.js";

const temp = makeTempDir("lifeboat-watch-replication-");
let loaded: LoadedConfig;
let store: Store;

before(async () => {
  const file = ConfigBuilder.shop({ endpoint: "http://127.0.0.1:9" })
    .set("environments.shop.protect", [
      { postgres: { name: "main", url: "postgres://replicator@127.0.0.1:1/postgres" }, rpo: "1m" },
    ])
    .set("environments.shop.health", [{ replication: { every: "1h" } }])
    .writeTo(temp.path);
  loaded = await loadConfig({ config: file, env: {} });
  store = await openStore("sqlite::memory:");
});

after(async () => {
  await store?.close();
  temp.remove();
});

/** Starts the environment's watcher, waits for its first replication status, stops it. */
async function replicationStatus(): Promise<unknown> {
  const logger = new RecordingLogger();
  const watch = await environmentWatch(loaded, "shop", {
    store,
    clock: systemClock,
    logger,
    env: {},
  });
  assert.ok(watch);
  watch.start();
  try {
    for (;;) {
      const status = logger.records.find((r) => r.event === "watch.probe.status");
      if (status) return status.fields.to;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await watch.stop();
  }
}

const segment = (closedAt: Date) => ({
  snapshot: "a".repeat(64),
  environment: "shop",
  database: "main",
  file: "000000010000000000000001",
  size: 16 * 1024 * 1024,
  sha256: "b".repeat(64),
  closedAt: closedAt.toISOString(),
  archivedAt: new Date(closedAt.getTime() + 2000).toISOString(),
  bytesUploaded: 1000,
});

test("a WAL point older than the RPO is REPLICATION_STALLED; a fresh one is OK", async () => {
  const stale = new Date(Date.now() - 10 * 60_000);
  await recordRecoveryPoint(store, walPoint("shop", "main", segment(stale)));
  assert.equal(await replicationStatus(), "REPLICATION_STALLED");
  await recordRecoveryPoint(store, walPoint("shop", "main", segment(new Date())));
  assert.equal(await replicationStatus(), "OK");
});

import { strict as assert } from "node:assert";
import { test } from "node:test";
import { ManualClock } from "../model/clock.js";
import { configSchema } from "../model/config.js";
import { isLifeboatError } from "../model/errors.js";
import { watchFromConfig, type WatchSources } from "./watch-from-config.js";

const sources: WatchSources = {
  clock: new ManualClock(),
  newestHeartbeat: () => async () => null,
  newestRecoveryPoint: async () => null,
  provider: () => ({
    status: async () => ({
      ok: false,
      code: "LB_PROVIDER_UNREACHABLE",
      message: "",
      retryable: true,
    }),
  }),
};

test("an environment of today's config yields its probes and policy", () => {
  const config = configSchema.parse({
    repository: { url: "file:.lifeboat/repo", passwordEnv: "LIFEBOAT_PASSWORD" },
    providers: { east: { type: "aws", region: "us-east-1" } },
    environments: {
      shop: {
        source: "east",
        select: { tags: { app: "shop" } },
        recovery: { target: "east" },
        protect: [
          { volumes: { tags: { app: "shop" } }, rpo: "15m" },
          { databases: { ids: ["db-1"] }, rpo: "5m" },
        ],
        health: [
          { http: { url: "https://shop.example.com/health", every: "10s" } },
          { tcp: { host: "db.example.com", port: 5432, every: "30s", timeout: "2s" } },
          { dns: { name: "shop.example.com", every: "1m" } },
        ],
        failover: { action: "failover-with-approval", after: 3 },
      },
    },
  });
  const shop = config.environments.shop;
  assert.ok(shop);
  const { probes, policy } = watchFromConfig("shop", shop, sources);
  assert.deepEqual(
    probes.map((p) => [p.probe.id, p.probe.kind, p.everyMs]),
    [
      ["http:https://shop.example.com/health", "http", 10_000],
      ["tcp:db.example.com:5432", "tcp", 30_000],
      ["dns:shop.example.com", "dns", 60_000],
    ],
  );
  assert.equal(policy.rpoBudgetMs, 5 * 60_000);
  assert.equal(policy.rules[0]?.action, "failover-with-approval");
  assert.equal(policy.rules[0]?.after, 3);
});

test("heartbeat, replication and provider probes get ids, defaulting to <kind>:<target>", () => {
  const { probes } = watchFromConfig(
    "shop",
    {
      health: [
        { heartbeat: { id: "agent-web", agent: "web-1", maxAge: "2m", every: "30s" } },
        { replication: { every: "1m" } },
        { provider: { every: "1m" } },
        { provider: { connection: "west", every: "1m" } },
      ],
      failover: { rules: [{ name: "r", codes: ["HEARTBEAT_LOST"], action: "alert" }] },
      protect: [{ rpo: "15m" }],
      source: "east",
    },
    sources,
  );
  assert.deepEqual(
    probes.map((p) => p.probe.id),
    ["agent-web", "replication:shop", "provider:east", "provider:west"],
  );
});

test("what the watcher cannot use is LB_CONFIG_INVALID", () => {
  const cases = [
    { health: [{ replication: { every: "1m" } }], failover: { action: "alert" }, protect: [] },
    { health: [], failover: { action: "explode" }, protect: [] },
    {
      health: [{ http: { url: "http://x", every: "soon" } }],
      failover: { action: "alert" },
      protect: [],
    },
  ];
  for (const input of cases) {
    assert.throws(
      () => watchFromConfig("shop", { source: "east", ...input } as never, sources),
      (e) => isLifeboatError(e, "LB_CONFIG_INVALID"),
    );
  }
});

test("every probe kind of the config schema builds, with its ids and options", () => {
  const config = configSchema.parse({
    repository: { url: "file:.lifeboat/repo", passwordEnv: "LIFEBOAT_PASSWORD" },
    providers: {
      east: { type: "aws", region: "us-east-1" },
      west: { type: "aws", region: "us-west-2" },
    },
    environments: {
      shop: {
        source: "east",
        select: { tags: { app: "shop" } },
        recovery: { target: "west" },
        protect: [{ volumes: { tags: { app: "shop" } }, rpo: "15m" }],
        health: [
          {
            http: {
              id: "web",
              url: "https://shop.example.com/health",
              every: "10s",
              expectStatus: { min: 200, max: 299 },
              bodyContains: "ok",
              bodyMatches: "^ok",
              slowerThan: "2s",
            },
          },
          { tcp: { host: "db", port: 5432, every: "30s", slowerThan: "500ms" } },
          {
            dns: {
              id: "name",
              name: "shop.example.com",
              every: "1m",
              resolver: "127.0.0.1:5353",
              recordType: "AAAA",
              expectAddresses: ["2001:db8::1"],
            },
          },
          { heartbeat: { agent: "web-1", maxAge: "2m", every: "30s" } },
          { replication: { id: "rpo", every: "1m" } },
          { provider: { connection: "west", every: "1m" } },
        ],
        failover: {
          rules: [{ name: "down", codes: ["APP_DOWN"], probes: ["web", "name"], action: "alert" }],
        },
      },
    },
  });
  const shop = config.environments.shop;
  assert.ok(shop);
  const { probes, policy } = watchFromConfig("shop", shop, sources);
  assert.deepEqual(
    probes.map((p) => [p.probe.id, p.probe.kind, p.everyMs]),
    [
      ["web", "http", 10_000],
      ["tcp:db:5432", "tcp", 30_000],
      ["name", "dns", 60_000],
      ["heartbeat:web-1", "heartbeat", 30_000],
      ["rpo", "replication", 60_000],
      ["provider:west", "provider", 60_000],
    ],
  );
  assert.deepEqual(policy.rules[0]?.probes, ["web", "name"]);
});

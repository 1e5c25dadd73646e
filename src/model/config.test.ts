import { strict as assert } from "node:assert";
import { test } from "node:test";
import { configSchema, parseDuration } from "./config.js";

test("parseDuration reads single and compound durations in milliseconds", () => {
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("30s"), 30_000);
  assert.equal(parseDuration("5m"), 300_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("2d"), 172_800_000);
  for (const bad of ["", "5", "5 minutes", "m5", "1.5h", "-5m", "5M"]) {
    assert.equal(parseDuration(bad), undefined, bad);
  }
});

const minimal = {
  repository: { url: "file:.lifeboat/repo", passwordEnv: "LIFEBOAT_PASSWORD" },
  providers: { east: { type: "aws", region: "us-east-1" } },
  environments: {
    shop: { source: "east", select: { ids: ["i-1"] }, recovery: { target: "east" } },
  },
};

test("defaults are applied to a minimal config", () => {
  const config = configSchema.parse(minimal);
  assert.equal(config.state, "sqlite:.lifeboat/state.db");
  const shop = config.environments.shop;
  assert.ok(shop);
  assert.deepEqual(shop.capture, { every: "5m" });
  assert.deepEqual(shop.failover, {
    action: "alert",
    after: 3,
    recoverAfter: 3,
    cooldown: "30m",
    maintenance: [],
  });
  assert.deepEqual(shop.protect, []);
  assert.deepEqual(shop.health, []);
  assert.equal(shop.recovery.mapping.keepPrivateIps, true);
  assert.deepEqual(shop.recovery.mapping.zones, {});
});

test("health probes get a default timeout", () => {
  const config = configSchema.parse({
    ...minimal,
    environments: {
      shop: {
        ...minimal.environments.shop,
        health: [{ tcp: { host: "db", port: 5432, every: "30s" } }],
      },
    },
  });
  assert.equal(config.environments.shop?.health[0]?.tcp?.timeout, "5s");
});

test("URL schemes are checked for state, repository and endpoints", () => {
  const cases: [string, unknown][] = [
    ["state", { ...minimal, state: "mysql://db" }],
    ["repository", { ...minimal, repository: { ...minimal.repository, url: "ftp://x" } }],
    ["repository", { ...minimal, repository: { ...minimal.repository, url: "s3://" } }],
    ["repository", { ...minimal, repository: { ...minimal.repository, endpoint: "s3://x" } }],
    ["repository", { ...minimal, repository: { ...minimal.repository, endpoint: "http://" } }],
    [
      "providers",
      {
        ...minimal,
        providers: { east: { type: "aws", region: "us-east-1", endpoint: "tcp://x" } },
      },
    ],
  ];
  for (const [key, input] of cases) {
    const result = configSchema.safeParse(input);
    assert.equal(result.success, false, JSON.stringify(input));
    assert.equal(result.error?.issues[0]?.path[0], key);
  }
  for (const state of ["sqlite:x?mode=ro", "sqlite://host/x", "sqlite:", "postgres:///db"]) {
    assert.equal(configSchema.safeParse({ ...minimal, state }).success, false, state);
  }
  const good = [
    "sqlite:/abs/state.db",
    "sqlite:///abs/s.db",
    "sqlite::memory:",
    "postgres://u@h:5432/db",
    "postgresql://h/db",
  ];
  for (const state of good) {
    assert.equal(configSchema.safeParse({ ...minimal, state }).success, true, state);
  }
  const s3 = {
    ...minimal.repository,
    url: "s3://my-bucket/lifeboat",
    endpoint: "http://127.0.0.1:5000",
  };
  assert.equal(configSchema.safeParse({ ...minimal, repository: s3 }).success, true);
});

test("the repository needs exactly one password source", () => {
  const url = "file:repo";
  for (const repository of [{ url }, { url, passwordEnv: "A", passwordFile: "f" }]) {
    assert.equal(configSchema.safeParse({ ...minimal, repository }).success, false);
  }
  assert.equal(
    configSchema.safeParse({ ...minimal, repository: { url, passwordFile: "f" } }).success,
    true,
  );
});

test("defaults are fresh objects, never shared between parses", () => {
  const a = configSchema.parse(minimal).environments.shop?.recovery.mapping;
  const b = configSchema.parse(minimal).environments.shop?.recovery.mapping;
  assert.ok(a && b);
  assert.notEqual(a, b);
  assert.notEqual(a.zones, b.zones);
  assert.notEqual(a.instanceTypes, b.instanceTypes);
});

test("server, tenant and drill keys: optional, defaulted, strict", () => {
  const shop = minimal.environments.shop;
  const config = configSchema.parse({
    ...minimal,
    server: { port: 0 },
    environments: { shop: { ...shop, tenant: "team-a", drill: { every: "7d" } } },
  });
  assert.deepEqual(config.server, {
    host: "127.0.0.1",
    port: 0,
    leaderTtl: "30s",
    shutdownGrace: "30s",
    metricsNeedToken: true,
  });
  assert.equal(config.environments.shop?.tenant, "team-a");
  assert.deepEqual(config.environments.shop?.drill, { every: "7d" });
  assert.equal(configSchema.parse(minimal).server, undefined);
  for (const bad of [
    { ...minimal, server: { port: 70000 } },
    { ...minimal, server: { listen: "x" } },
    { ...minimal, environments: { shop: { ...shop, tenant: "a b" } } },
    { ...minimal, environments: { shop: { ...shop, drill: { every: "weekly" } } } },
  ]) {
    assert.equal(configSchema.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

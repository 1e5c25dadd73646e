// The health-probe keys and `alerts` of docs/config.md: accepted, defaulted, and every bad value
// reported at its key path.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { validateConfigText, type ValidationResult } from "./validate-config.js";

const base = `
repository: { url: file:.lifeboat/repo, passwordEnv: LIFEBOAT_PASSWORD }
providers:
  east: { type: aws, region: us-east-1 }
  west: { type: aws, region: us-west-2 }
alerts:
  webhooks:
    - { url: "https://hooks.example.com/all", secretEnv: HOOK_SECRET }
environments:
  shop:
    source: east
    select: { tags: { app: shop } }
    recovery: { target: west }
    protect:
      - volumes: { tags: { app: shop } }
        rpo: 15m
    alerts:
      webhooks:
        - url: "https://pager.example.com/lifeboat"
          headers: { authorization: "Bearer x" }
    health:
      - http: { id: web, url: "https://shop.example.com/health", every: 10s, expectStatus: { min: 200, max: 204 }, bodyContains: ok, bodyMatches: "^\\\\{.*\\"up\\":true", slowerThan: 2s }
      - tcp: { id: db, host: db.shop.internal, port: 5432, every: 30s, slowerThan: 500ms }
      - dns: { name: shop.example.com, every: 1m, resolver: "1.1.1.1:53", recordType: AAAA, expectAddresses: ["2001:db8::1", 192.0.2.10] }
      - heartbeat: { agent: web-1, maxAge: 2m, every: 30s }
      - replication: { id: rpo, every: 1m }
      - provider: { connection: west, every: 1m, timeout: 3s }
    failover:
      rules:
        - { name: down, codes: [APP_DOWN, HOST_DOWN], probes: [web, db], quorum: all, action: failover-with-approval }
`;

const secrets = { env: { LIFEBOAT_PASSWORD: "pw", HOOK_SECRET: "s" }, baseDir: "/nonexistent" };

function problemPaths(result: ValidationResult): string[] {
  assert.equal(result.ok, false, "expected the config to be invalid");
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
}

function variant(from: string, to: string): string {
  assert.ok(base.includes(from), `fixture contains ${from}`);
  return base.replace(from, to);
}

test("every probe kind and its keys, and alerts at both levels, validate", () => {
  const result = validateConfigText(base, { secrets });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  const shop = result.config.environments.shop;
  assert.deepEqual(shop?.health[0]?.http?.expectStatus, { min: 200, max: 204 });
  assert.equal(shop?.health[0]?.http?.timeout, "5s");
  assert.equal(shop?.health[2]?.dns?.recordType, "AAAA");
  assert.equal(shop?.health[3]?.heartbeat?.agent, "web-1");
  assert.equal(shop?.health[5]?.provider?.timeout, "3s");
  assert.equal(shop?.alerts?.webhooks[0]?.headers?.authorization, "Bearer x");
  assert.equal(result.config.alerts?.webhooks[0]?.secretEnv, "HOOK_SECRET");
  // An integer status stays valid, as before.
  assert.ok(
    validateConfigText(variant("expectStatus: { min: 200, max: 204 }", "expectStatus: 200")).ok,
  );
});

test("bad probe values are named at their key path", () => {
  const text = variant("{ min: 200, max: 204 }", "{ min: 300, max: 204 }")
    .replace('bodyMatches: "^\\\\{', 'bodyMatches: "(\\\\{')
    .replace('"1.1.1.1:53"', '"dns.google"')
    .replace("recordType: AAAA", "recordType: MX")
    .replace("maxAge: 2m", "maxAge: soon")
    .replace("connection: west", "connection: wset")
    .replace("slowerThan: 500ms", "slowerThan: 500ms, colour: red");
  const problems = problemPaths(validateConfigText(text));
  const has = (path: string, message: RegExp) =>
    assert.ok(
      problems.some((p) => p.startsWith(`${path}: `) && message.test(p)),
      `${path} ${message} in:\n${problems.join("\n")}`,
    );
  has("environments.shop.health[0].http.expectStatus", /min must not be larger than max/);
  has("environments.shop.health[0].http.bodyMatches", /not a valid regular expression/);
  has("environments.shop.health[1].tcp.colour", /unknown key/);
  has("environments.shop.health[2].dns.resolver", /use ip or ip:port/);
  has("environments.shop.health[2].dns.recordType", /"MX" is not one of "A", "AAAA"/);
  has("environments.shop.health[3].heartbeat.maxAge", /not a duration/);
  has(
    "environments.shop.health[5].provider.connection",
    /unknown provider "wset".*did you mean "west"/,
  );
});

test("a probe entry names exactly one kind; ids are unique; replication needs protect", () => {
  const two = variant(
    "- replication: { id: rpo, every: 1m }",
    "- { replication: { every: 1m }, heartbeat: { agent: a, maxAge: 1m, every: 1m } }",
  );
  assert.ok(
    problemPaths(validateConfigText(two)).some((p) => /health\[4\]: needs exactly one of/.test(p)),
  );
  const dup = variant("replication: { id: rpo,", "replication: { id: web,");
  assert.deepEqual(problemPaths(validateConfigText(dup)), [
    'environments.shop.health[4].replication.id: id "web" is also used by health[0]; probe ids must be unique',
  ]);
  const unprotected = base.replace(/ {4}protect:\n.*\n.*\n/, "");
  assert.notEqual(unprotected, base);
  assert.deepEqual(
    problemPaths(validateConfigText(unprotected)).map((p) => p.split(":")[0]),
    ["environments.shop.health[4].replication"],
  );
});

test("alerts: strict keys, http(s) URLs, and a secretEnv that must be set", () => {
  const bad = variant(
    "headers: { authorization",
    "method: PUT\n          headers: { authorization",
  ).replace('"https://hooks.example.com/all"', '"ftp://hooks.example.com"');
  const problems = problemPaths(validateConfigText(bad));
  assert.ok(
    problems.some((p) => p.startsWith("alerts.webhooks[0].url: ")),
    problems.join("\n"),
  );
  assert.ok(
    problems.some((p) => p.startsWith("environments.shop.alerts.webhooks[0].method: unknown key")),
    problems.join("\n"),
  );
  const unset = problemPaths(
    validateConfigText(base, { secrets: { ...secrets, env: { LIFEBOAT_PASSWORD: "pw" } } }),
  );
  assert.deepEqual(unset, [
    "alerts.webhooks[0].secretEnv: environment variable HOOK_SECRET is not set",
  ]);
});

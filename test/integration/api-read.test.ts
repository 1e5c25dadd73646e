/**
 * The HTTP API's read routes against a real store and repository: authentication, roles,
 * tenant isolation (a token of team-b gets 404 on team-a's environment, run and events),
 * request validation (400 with a code), versions, graph, diff, events, runs, OpenAPI.
 */
import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import { buildApp } from "../../src/api/build-app.js";
import { recoveryEvents } from "../../src/recover/index.js";
import type { WatchDecision } from "../../src/model/failover-policy.js";
import { probeResult } from "../../src/model/probe-status.js";
import { appendEvent } from "../../src/store/events-repo.js";
import { storeDecisionSink } from "../../src/watch/store-decision-sink.js";
import { createRun, updateRun } from "../../src/store/runs-repo.js";
import { appendStepEvent } from "../../src/store/step-events-repo.js";
import { revokeApiToken, listApiTokens } from "../../src/store/api-tokens-repo.js";
import { recordRecoveryPoint } from "../../src/store/recovery-points-repo.js";
import { startApiFixture, type ApiFixture } from "./api-fixture.js";

function decision(environment: string, kind: "action" | "suppressed"): WatchDecision {
  const at = new Date("2026-03-01T11:30:00Z");
  return {
    environment,
    incidentId: `${environment}@2026-03-01T11:29:00.000Z`,
    at,
    kind,
    action: "alert",
    requestedAction: "alert",
    rule: "down",
    reasons: [],
    evidence: [
      probeResult("http:https://shop.example.com/health", "APP_DOWN", at, 12, "status 503"),
    ],
    quorum: null,
    recoveryPoint: null,
  };
}

describe("API read routes", () => {
  let f: ApiFixture;
  let runId = "";
  before(async () => {
    f = await startApiFixture();
    const run = await createRun(f.deps.store, { environment: "shop", mode: "drill" });
    runId = run.id;
    await appendStepEvent(f.deps.store, {
      runId,
      type: recoveryEvents.point,
      data: {
        version: 2,
        capturedAt: "2026-03-01T11:00:00.000Z",
        lastSeenAt: "2026-03-01T11:00:00.000Z",
      },
    });
    await updateRun(f.deps.store, runId, run.revision, {
      phase: "succeeded",
      startedAt: new Date("2026-03-01T11:05:00Z"),
      finishedAt: new Date("2026-03-01T11:07:30Z"),
    });
    const sink = storeDecisionSink(f.deps.store);
    await sink.record(decision("shop", "suppressed"));
    await sink.record(decision("other", "action"));
    await appendEvent(f.deps.store, {
      environment: "shop",
      type: "config.changed",
      severity: "info",
    });
  });
  after(() => f.close());

  test("healthz and openapi need no token; everything else does", async () => {
    assert.equal((await f.call(undefined, "GET", "/healthz")).json.ok, true);
    const doc = (await f.call(undefined, "GET", "/openapi.json")).json as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    assert.equal(doc.openapi, "3.1.0");
    for (const path of [
      "/api/v1/environments/{env}/graph",
      "/api/v1/runs/{id}",
      "/api/v1/whoami",
    ]) {
      assert.ok(doc.paths[path]?.get, path);
    }
    const none = await f.call(undefined, "GET", "/api/v1/whoami");
    assert.equal(none.status, 401);
    assert.equal(none.json.error?.code, "LB_API_UNAUTHENTICATED");
    const wrong = await f.call("lbt_nottherealone", "GET", "/api/v1/environments");
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error?.code, "LB_API_UNAUTHENTICATED");
  });

  test("whoami names tenant, role and token; a revoked token is refused at once", async () => {
    const me = await f.call(f.tokens["a.operator"], "GET", "/api/v1/whoami");
    assert.deepEqual(me.json, { tenant: "team-a", role: "operator", name: "a-operator" });
    const [admin] = (await listApiTokens(f.deps.store, { tenant: "team-b" })).filter(
      (t) => t.name === "b-admin",
    );
    assert.ok(admin);
    await revokeApiToken(f.deps.store, admin.id);
    const revoked = await f.call(f.tokens["b.admin"], "GET", "/api/v1/whoami");
    assert.equal(revoked.status, 401);
    assert.equal(revoked.json.error?.code, "LB_API_UNAUTHENTICATED");
  });

  test("each tenant lists only its own environments, with freshness and health", async () => {
    const a = await f.call(f.tokens["a.viewer"], "GET", "/api/v1/environments");
    assert.equal(a.status, 200);
    const [shop, ...rest] = a.json.environments as Record<string, unknown>[];
    assert.equal(rest.length, 0);
    assert.equal(shop?.name, "shop");
    assert.equal(shop?.tenant, "team-a");
    assert.equal(shop?.lastCaptureAt, "2026-03-01T11:00:00.000Z");
    assert.equal(shop?.latestVersion, 2);
    assert.equal(shop?.health, "degraded");
    const b = await f.call(f.tokens["b.viewer"], "GET", "/api/v1/environments");
    const names = b.json.environments as { name: string; health: string; rpoBudgetMs: number }[];
    assert.deepEqual(
      names.map((e) => e.name),
      ["other"],
    );
    assert.equal(names[0]?.health, "down");
    assert.equal(names[0]?.rpoBudgetMs, 15 * 60_000);
  });

  test("a token of tenant B gets 404 on tenant A's environment, run and events", async () => {
    const b = f.tokens["b.viewer"];
    for (const url of [
      "/api/v1/environments/shop",
      "/api/v1/environments/shop/versions",
      "/api/v1/environments/shop/graph",
      "/api/v1/environments/shop/diff",
      "/api/v1/environments/shop/events",
      "/api/v1/environments/shop/points",
      "/api/v1/runs?environment=shop",
    ]) {
      await f.expectError(b, "GET", url, { status: 404, code: "LB_ENV_NOT_FOUND" });
    }
    const run = await f.call(b, "GET", `/api/v1/runs/${runId}`);
    assert.equal(run.status, 404);
    assert.equal(run.json.error?.code, "LB_RUN_NOT_FOUND");
    const list = await f.call(b, "GET", "/api/v1/runs");
    assert.deepEqual(list.json.runs, []);
    const events = await f.call(b, "GET", "/api/v1/environments/other/events");
    assert.deepEqual(
      (events.json.events as { type: string }[]).map((e) => e.type),
      ["watch.action"],
    );
  });

  test("versions, graph with symbolic references, and diff", async () => {
    const a = f.tokens["a.viewer"];
    const versions = await f.call(a, "GET", "/api/v1/environments/shop/versions");
    const list = versions.json.versions as { version: number; counts: Record<string, number> }[];
    assert.deepEqual(
      list.map((v) => v.version),
      [2, 1],
    );
    assert.equal(list[0]?.counts.network, 2);

    const graph = await f.call(a, "GET", "/api/v1/environments/shop/graph?version=1");
    assert.equal(graph.status, 200);
    const nodes = graph.json.nodes as { id: string; kind: string }[];
    const edges = graph.json.edges as { from: string; to: string }[];
    assert.equal(graph.json.version, 1);
    assert.ok(nodes.some((n) => n.id === "network:vpc-1" && n.kind === "network"));
    assert.ok(edges.some((e) => e.from === "subnet:subnet-pub-a" && e.to === "network:vpc-1"));
    const ids = new Set(nodes.map((n) => n.id));
    assert.ok(edges.filter((e) => !ids.has(e.to)).length < edges.length, "edges point at nodes");
    const latest = await f.call(a, "GET", "/api/v1/environments/shop/graph");
    assert.equal(latest.json.version, 2);

    const diff = await f.call(a, "GET", "/api/v1/environments/shop/diff?from=1&to=2");
    assert.equal(diff.status, 200);
    assert.equal(diff.json.identical, false);
    assert.deepEqual(
      (diff.json.added as { id: string }[]).map((r) => r.id),
      ["network:vpc-2"],
    );
    const missing = await f.call(a, "GET", "/api/v1/environments/shop/graph?version=9");
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error?.code, "LB_VERSION_NOT_FOUND");
  });

  test("bad input is 400 LB_API_INVALID_REQUEST; unknown routes 404 LB_API_ROUTE_NOT_FOUND", async () => {
    const a = f.tokens["a.viewer"];
    for (const url of [
      "/api/v1/environments/shop/graph?version=abc",
      "/api/v1/environments/shop/graph?version=0",
      "/api/v1/environments/shop/events?limit=0",
      "/api/v1/environments/shop/events?colour=red",
      "/api/v1/runs?limit=9999",
    ]) {
      await f.expectError(a, "GET", url, { status: 400, code: "LB_API_INVALID_REQUEST" });
    }
    const nowhere = await f.call(a, "GET", "/api/v1/nowhere");
    assert.equal(nowhere.status, 404);
    assert.equal(nowhere.json.error?.code, "LB_API_ROUTE_NOT_FOUND");
  });

  test("runs: list with measured RTO and RPO, detail with steps and report", async () => {
    const a = f.tokens["a.viewer"];
    const list = await f.call(a, "GET", "/api/v1/runs?environment=shop");
    const [run] = list.json.runs as Record<string, unknown>[];
    assert.equal(run?.id, runId);
    assert.equal(run?.rtoMs, 150_000);
    assert.equal(run?.rpoMs, 5 * 60_000);
    const detail = await f.call(a, "GET", `/api/v1/runs/${runId}`);
    assert.equal(detail.status, 200);
    assert.deepEqual(detail.json.steps, []);
    assert.equal((detail.json.report as { runId: string }).runId, runId);
  });

  test("events newest first with a limit; detail shows decisions", async () => {
    const a = f.tokens["a.viewer"];
    const events = await f.call(a, "GET", "/api/v1/environments/shop/events?limit=1");
    assert.deepEqual(
      (events.json.events as { type: string }[]).map((e) => e.type),
      ["config.changed"],
    );
    const detail = await f.call(a, "GET", "/api/v1/environments/shop");
    assert.equal(detail.status, 200);
    assert.equal(detail.json.name, "shop");
    assert.deepEqual(
      (detail.json.probes as { code: string }[]).map((p) => p.code),
      ["APP_DOWN"],
    );
    assert.equal((detail.json.incident as { id: string }).id, "shop@2026-03-01T11:29:00.000Z");
    assert.equal((detail.json.decisions as unknown[]).length, 1);
  });

  test("points: every recorded recovery point, newest first, with a limit; newest on the list", async () => {
    for (const [minute, method] of [
      [0, "scan"],
      [5, "journal"],
      [10, "journal"],
    ] as const) {
      await recordRecoveryPoint(f.deps.store, {
        environment: "other",
        source: "vol-data",
        kind: "volume",
        method,
        at: new Date(Date.UTC(2026, 2, 1, 12, minute)),
        snapshotId: `snap-${minute}`,
        sizeBytes: 1 << 20,
        changedBytes: minute === 0 ? 1 << 20 : 4096,
        groupId: null,
      });
    }
    const b = f.tokens["b.viewer"];
    const all = await f.call(b, "GET", "/api/v1/environments/other/points");
    assert.equal(all.status, 200);
    const points = all.json.points as { at: string; method: string; changedBytes: number }[];
    assert.deepEqual(
      points.map((p) => [p.at, p.method, p.changedBytes]),
      [
        ["2026-03-01T12:10:00.000Z", "journal", 4096],
        ["2026-03-01T12:05:00.000Z", "journal", 4096],
        ["2026-03-01T12:00:00.000Z", "scan", 1 << 20],
      ],
    );
    const one = await f.call(b, "GET", "/api/v1/environments/other/points?limit=1");
    assert.equal((one.json.points as unknown[]).length, 1);
    await f.expectError(b, "GET", "/api/v1/environments/other/points?limit=0", {
      status: 400,
      code: "LB_API_INVALID_REQUEST",
    });
    const list = await f.call(b, "GET", "/api/v1/environments");
    const other = (list.json.environments as { name: string; newestRecoveryPointAt: string }[])[0];
    assert.equal(other?.newestRecoveryPointAt, "2026-03-01T12:10:00.000Z");
  });

  test("repository stats", async () => {
    const stats = await f.call(f.tokens["a.viewer"], "GET", "/api/v1/repository/stats");
    assert.equal(stats.status, 200);
    assert.equal(stats.json.snapshots, 2);
  });

  test("metrics: Prometheus text of the token's tenant; anonymous only when configured", async () => {
    const none = await f.app.inject({ method: "GET", url: "/metrics" });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error.code, "LB_API_UNAUTHENTICATED");
    const scrape = await f.app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${f.tokens["a.viewer"]}` },
    });
    assert.equal(scrape.statusCode, 200);
    assert.match(String(scrape.headers["content-type"]), /^text\/plain; version=0.0.4/);
    const text = scrape.body;
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);
    const shop = 'environment="shop",tenant="team-a"';
    assert.ok(value(new RegExp(`lifeboat_capture_age_seconds\\{${shop}\\} (\\S+)`)) > 0);
    assert.equal(value(new RegExp(`lifeboat_inventory_version\\{${shop}\\} (\\S+)`)), 2);
    assert.equal(
      value(new RegExp(`lifeboat_last_run_duration_seconds\\{${shop},mode="drill"\\} (\\S+)`)),
      150,
    );
    assert.equal(
      value(new RegExp(`lifeboat_environment_health\\{${shop},health="degraded"\\} (\\S+)`)),
      1,
    );
    assert.match(text, /lifeboat_probe_up\{[^}]*code="APP_DOWN"\} 0/);
    assert.match(text, /lifeboat_repository_snapshots 2/);
    assert.match(text, /# TYPE lifeboat_capture_age_seconds gauge/);
    assert.ok(!text.includes('environment="other"'), "another tenant's environments are absent");

    const open = buildApp({ ...f.deps, metricsNeedToken: false });
    const anonymous = await open.inject({ method: "GET", url: "/metrics" });
    assert.equal(anonymous.statusCode, 200);
    assert.match(
      anonymous.body,
      /lifeboat_rpo_budget_seconds\{environment="other",tenant="team-b"\} 900/,
    );
    await open.close();
  });
});

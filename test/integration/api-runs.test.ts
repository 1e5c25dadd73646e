/**
 * Runs through the API on moto: plan (dry run), start a drill (202, runs in the background of
 * the server process), follow it as server-sent events until it ends, read its RTO/RPO, see
 * the drill torn down; the operator verbs, approvals, roles, bad bodies and tenant isolation.
 */
import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import { recoverWorld, type RecoverWorld } from "../e2e/recover-fixture.js";
import { startMotoApiFixture, twoTenantsOnMoto, type ApiFixture } from "./api-fixture.js";

interface SseEvent {
  readonly event: string;
  readonly id?: string;
  readonly data: { seq?: number; type?: string; stepId?: string | null };
}

function parseSse(body: string): SseEvent[] {
  return body
    .split("\n\n")
    .map((block) => block.split("\n").filter((line) => line !== "" && !line.startsWith(":")))
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      const field = (name: string) =>
        lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
      return {
        event: field("event") ?? "message",
        ...(field("id") === undefined ? {} : { id: field("id") }),
        data: JSON.parse(field("data") ?? "{}") as SseEvent["data"],
      };
    });
}

describe("API runs on moto", () => {
  let world: RecoverWorld;
  let f: ApiFixture;
  before(async () => {
    world = await recoverWorld({ config: twoTenantsOnMoto });
    f = await startMotoApiFixture(world.ws.config);
  });
  after(async () => {
    await f?.close();
    await world?.close();
  });

  test("bad bodies are 400 with a code; roles and tenants are enforced", async () => {
    const op = f.tokens["a.operator"];
    for (const body of [
      { environment: "shop", mode: "chaos" },
      { environment: "shop" },
      { environment: "shop", mode: "drill", extra: 1 },
      { environment: "shop", mode: "drill", at: "yesterday" },
      { environment: "shop", mode: "drill", only: [] },
    ]) {
      const invalid = { status: 400, code: "LB_API_INVALID_REQUEST" };
      await f.expectError(op, "POST", "/api/v1/runs", invalid, body);
    }
    const raw = await f.app.inject({
      method: "POST",
      url: "/api/v1/runs",
      headers: { authorization: `Bearer ${op}`, "content-type": "application/json" },
      payload: "{not json",
    });
    assert.equal(raw.statusCode, 400);
    assert.equal(raw.json().error.code, "LB_API_INVALID_REQUEST");

    const drill = { environment: "shop", mode: "drill" };
    const forbidden = { status: 403, code: "LB_API_FORBIDDEN" };
    const hidden = { status: 404, code: "LB_ENV_NOT_FOUND" };
    const planUrl = "/api/v1/environments/shop/plan";
    await f.expectError(f.tokens["a.viewer"], "POST", "/api/v1/runs", forbidden, drill);
    await f.expectError(f.tokens["a.viewer"], "POST", planUrl, forbidden, { mode: "drill" });
    await f.expectError(f.tokens["b.operator"], "POST", "/api/v1/runs", hidden, drill);
    await f.expectError(f.tokens["b.admin"], "POST", planUrl, hidden, { mode: "drill" });
  });

  test("plan is a dry run: steps in order, nothing created", async () => {
    const r = await f.call(f.tokens["a.operator"], "POST", "/api/v1/environments/shop/plan", {
      mode: "drill",
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const plan = r.json.plan as { mode: string; steps: { id: string; kind: string }[] };
    assert.equal(plan.mode, "drill");
    assert.ok(plan.steps.length > 10);
    assert.equal((r.json.recoveryPoint as { version: number }).version, 1);
    assert.deepEqual(await world.targetCounts(), world.baseline);
    const partial = await f.call(f.tokens["a.operator"], "POST", "/api/v1/environments/shop/plan", {
      mode: "drill",
      only: ["network"],
    });
    assert.equal(partial.status, 200, JSON.stringify(partial.json));
    assert.ok((partial.json.plan as { steps: unknown[] }).steps.length < plan.steps.length);
  });

  test("a drill started through the API runs in the background, streams, succeeds, tears down", async () => {
    const started = await f.call(f.tokens["a.operator"], "POST", "/api/v1/runs", {
      environment: "shop",
      mode: "drill",
    });
    assert.equal(started.status, 202, JSON.stringify(started.json));
    const run = started.json.run as { id: string; mode: string; environment: string };
    assert.equal(run.mode, "drill");

    // Another tenant cannot follow it, approve it or cancel it.
    for (const [method, url] of [
      ["GET", `/api/v1/runs/${run.id}/events`],
      ["GET", `/api/v1/runs/${run.id}`],
      ["POST", `/api/v1/runs/${run.id}/cancel`],
    ] as const) {
      const r = await f.call(f.tokens["b.admin"], method, url, method === "POST" ? {} : undefined);
      assert.equal(r.status, 404, url);
      assert.equal(r.json.error?.code, "LB_RUN_NOT_FOUND", url);
    }

    // The stream ends by itself once the run has ended.
    const stream = await f.app.inject({
      method: "GET",
      url: `/api/v1/runs/${run.id}/events`,
      headers: { authorization: `Bearer ${f.tokens["a.viewer"]}` },
    });
    assert.equal(stream.statusCode, 200);
    assert.match(String(stream.headers["content-type"]), /text\/event-stream/);
    const events = parseSse(stream.body);
    const steps = events.filter((e) => e.event === "step");
    assert.ok(steps.some((e) => e.data.type === "step.succeeded"));
    assert.deepEqual(
      steps.map((e) => e.data.seq),
      steps.map((_, i) => i + 1),
      "every journal entry once, in order",
    );
    assert.equal(events.at(-1)?.event, "end");

    // Resuming a stream after an id sends only what came later.
    const later = await f.app.inject({
      method: "GET",
      url: `/api/v1/runs/${run.id}/events`,
      headers: { authorization: `Bearer ${f.tokens["a.viewer"]}`, "last-event-id": "3" },
    });
    assert.equal(parseSse(later.body).find((e) => e.event === "step")?.data.seq, 4);

    await f.deps.runs?.drain(); // verification and the drill's teardown
    const detail = await f.call(f.tokens["a.viewer"], "GET", `/api/v1/runs/${run.id}`);
    const summary = detail.json.run as { phase: string; rtoMs: number; rpoMs: number };
    assert.equal(summary.phase, "succeeded");
    assert.ok(summary.rtoMs > 0);
    assert.ok(summary.rpoMs >= 0);
    const report = detail.json.report as {
      verification: { result: string } | null;
      teardown: { phase: string } | null;
    };
    assert.equal(report.verification?.result, "equivalent");
    assert.equal(report.teardown?.phase, "succeeded");
    assert.deepEqual(await world.targetCounts(), world.baseline, "the drill left nothing");

    const listed = await f.call(f.tokens["a.viewer"], "GET", "/api/v1/runs?environment=shop");
    assert.ok((listed.json.runs as { id: string }[]).some((r) => r.id === run.id));

    // The verbs on an ended run: cancel changes nothing; approve finds nothing to decide.
    const cancel = await f.call(
      f.tokens["a.operator"],
      "POST",
      `/api/v1/runs/${run.id}/cancel`,
      {},
    );
    assert.equal(cancel.status, 202);
    assert.equal((cancel.json.run as { phase: string }).phase, "succeeded");
    // Resume and teardown of a drill already torn down only report: nothing is made again.
    const resume = await f.call(
      f.tokens["a.operator"],
      "POST",
      `/api/v1/runs/${run.id}/resume`,
      {},
    );
    assert.equal(resume.status, 202, JSON.stringify(resume.json));
    const teardown = await f.call(
      f.tokens["a.operator"],
      "POST",
      `/api/v1/runs/${run.id}/teardown`,
      {},
    );
    assert.equal(teardown.status, 202, JSON.stringify(teardown.json));
    await f.deps.runs?.drain();
    const runs = await f.call(f.tokens["a.viewer"], "GET", "/api/v1/runs?environment=shop");
    const teardowns = (runs.json.runs as { mode: string; parentRunId: string | null }[]).filter(
      (r) => r.mode === "teardown" && r.parentRunId === run.id,
    );
    assert.equal(teardowns.length, 1, "one teardown run, however often asked");
    assert.deepEqual(await world.targetCounts(), world.baseline);
    const viewerResume = await f.call(
      f.tokens["a.viewer"],
      "POST",
      `/api/v1/runs/${run.id}/resume`,
      {},
    );
    assert.equal(viewerResume.status, 403);
    const approve = await f.call(f.tokens["a.approver"], "POST", `/api/v1/runs/${run.id}/approve`, {
      decision: "approve",
    });
    assert.equal(approve.json.error?.code, "LB_APPROVAL_NOT_WAITING");
    const weak = await f.call(f.tokens["a.operator"], "POST", `/api/v1/runs/${run.id}/approve`, {
      decision: "approve",
    });
    assert.equal(weak.status, 403);
    const bad = await f.call(f.tokens["a.approver"], "POST", `/api/v1/runs/${run.id}/approve`, {
      decision: "maybe",
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error?.code, "LB_API_INVALID_REQUEST");
  });

  test("a failing pre-flight answers the start request with its code; no run is recorded", async () => {
    const before = await f.call(f.tokens["a.viewer"], "GET", "/api/v1/runs");
    const r = await f.call(f.tokens["a.operator"], "POST", "/api/v1/runs", {
      environment: "shop",
      mode: "drill",
      at: "2000-01-01T00:00:00Z",
    });
    assert.equal(r.status, 404);
    assert.equal(r.json.error?.code, "LB_VERSION_NOT_FOUND");
    const after = await f.call(f.tokens["a.viewer"], "GET", "/api/v1/runs");
    assert.equal((after.json.runs as unknown[]).length, (before.json.runs as unknown[]).length);
  });
});

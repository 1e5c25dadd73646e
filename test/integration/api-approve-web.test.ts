/**
 * The approve route deciding a step that waits (by = the token's name, first decision wins,
 * tenant isolation), and the dashboard served at `/` with its client-route fallback.
 */
import { strict as assert } from "node:assert";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { buildApp } from "../../src/api/build-app.js";
import { findApproval } from "../../src/store/approvals-repo.js";
import { createRun } from "../../src/store/runs-repo.js";
import { appendStepEvent } from "../../src/store/step-events-repo.js";
import { createSteps } from "../../src/store/steps-repo.js";
import { startApiFixture, type ApiFixture } from "./api-fixture.js";

describe("API approvals and the served dashboard", () => {
  let f: ApiFixture;
  let runId = "";
  before(async () => {
    f = await startApiFixture({ versions: false });
    const run = await createRun(f.deps.store, { environment: "shop", mode: "failover" });
    runId = run.id;
    await createSteps(f.deps.store, runId, [
      { stepId: "approval:dns", kind: "approval", idempotencyKey: `${runId}/a`, phase: "running" },
    ]);
    await appendStepEvent(f.deps.store, {
      runId,
      stepId: "approval:dns",
      type: "approval.waiting",
      data: { message: "move DNS?" },
    });
  });
  after(() => f.close());

  test("a waiting step shows as waiting; an approver of its tenant decides it once", async () => {
    const detail = await f.call(f.tokens["a.viewer"], "GET", `/api/v1/runs/${runId}`);
    const steps = detail.json.steps as { id: string; waitingForApproval: boolean }[];
    assert.deepEqual(steps, [{ ...steps[0], id: "approval:dns", waitingForApproval: true }]);
    const other = await f.call(f.tokens["b.approver"], "POST", `/api/v1/runs/${runId}/approve`, {
      decision: "approve",
    });
    assert.equal(other.status, 404);
    assert.equal(other.json.error?.code, "LB_RUN_NOT_FOUND");

    const approved = await f.call(f.tokens["a.approver"], "POST", `/api/v1/runs/${runId}/approve`, {
      decision: "approve",
      comment: "primary is gone",
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.json));
    const approval = approved.json.approval as { stepId: string; by: string; decision: string };
    assert.equal(approval.stepId, "approval:dns");
    assert.equal(approval.by, "a-approver");
    assert.equal(approval.decision, "approved");
    assert.equal((await findApproval(f.deps.store, runId, "approval:dns"))?.by, "a-approver");

    const late = await f.call(f.tokens["a.admin"], "POST", `/api/v1/runs/${runId}/approve`, {
      step: "approval:dns",
      decision: "reject",
    });
    assert.equal(late.status, 409);
    assert.equal(late.json.error?.code, "LB_APPROVAL_ALREADY_DECIDED");
    const after = await f.call(f.tokens["a.viewer"], "GET", `/api/v1/runs/${runId}`);
    assert.equal(
      (after.json.steps as { waitingForApproval: boolean }[])[0]?.waitingForApproval,
      false,
    );
  });

  test("the dashboard is served at / with index.html for client routes, never outside its folder", async () => {
    const web = join(f.dir, "web");
    mkdirSync(join(web, "assets"), { recursive: true });
    writeFileSync(join(web, "index.html"), "<!doctype html><title>Lifeboat</title>");
    writeFileSync(join(web, "assets", "app.js"), "console.log(1)");
    const app = buildApp({ ...f.deps, webRoot: web });
    try {
      const index = await app.inject({ method: "GET", url: "/" });
      assert.equal(index.statusCode, 200);
      assert.match(String(index.headers["content-type"]), /text\/html/);
      const script = await app.inject({ method: "GET", url: "/assets/app.js" });
      assert.equal(script.body, "console.log(1)");
      assert.match(String(script.headers["content-type"]), /javascript/);
      const route = await app.inject({ method: "GET", url: "/environments/shop" });
      assert.match(route.body, /<title>Lifeboat<\/title>/);
      const escape = await app.inject({ method: "GET", url: "/..%2f..%2fapi-fixture.js" });
      assert.match(
        escape.body,
        /<title>Lifeboat<\/title>/,
        "falls back instead of leaving the folder",
      );
      const api = await app.inject({ method: "GET", url: "/api/v1/nothing" });
      assert.equal(api.statusCode, 404);
      assert.equal(api.json().error.code, "LB_API_ROUTE_NOT_FOUND");
      const health = await app.inject({ method: "GET", url: "/healthz" });
      assert.equal(health.json().ok, true);
    } finally {
      await app.close();
    }
  });
});

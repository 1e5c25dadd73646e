/**
 * A failover started through the API with `approval: true` on moto: it waits at its approval
 * step (DNS untouched, `waitingForApproval` on the run route), the approve route lets it go on,
 * and it ends with the public record on the recovered side. A drill asking for approval is a 400.
 */
import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import { failoverWorld, untilWaiting, type FailoverWorld } from "../e2e/failover-fixture.js";
import { startMotoApiFixture, twoTenantsOnMoto, type ApiFixture } from "./api-fixture.js";

describe("API failover with approval on moto", () => {
  let world: FailoverWorld;
  let f: ApiFixture;
  before(async () => {
    world = await failoverWorld(twoTenantsOnMoto);
    f = await startMotoApiFixture(world.ws.config);
  });
  after(async () => {
    await f?.close();
    await world?.close();
  });

  test("a drill cannot ask for approval (400, nothing recorded)", async () => {
    const op = f.tokens["a.operator"];
    const invalid = { status: 400, code: "LB_API_INVALID_REQUEST" };
    const body = { environment: "shop", mode: "drill", approval: true };
    await f.expectError(op, "POST", "/api/v1/runs", invalid, body);
    await f.expectError(op, "POST", "/api/v1/environments/shop/plan", invalid, {
      mode: "drill",
      approval: true,
    });
    const runs = await f.call(f.tokens["a.viewer"], "GET", "/api/v1/runs");
    assert.deepEqual(runs.json.runs, []);
  });

  test("a failover with approval waits before DNS and finishes once approved", async () => {
    const primary = await world.shopRecord();
    const plan = await f.call(f.tokens["a.operator"], "POST", "/api/v1/environments/shop/plan", {
      mode: "failover",
      approval: true,
    });
    assert.equal(plan.status, 200, JSON.stringify(plan.json));
    const kinds = (plan.json.plan as { steps: { kind: string }[] }).steps.map((s) => s.kind);
    assert.ok(kinds.includes("approval"), "the plan shows the approval step");

    const started = await f.call(f.tokens["a.operator"], "POST", "/api/v1/runs", {
      environment: "shop",
      mode: "failover",
      approval: true,
    });
    assert.equal(started.status, 202, JSON.stringify(started.json));
    const runId = (started.json.run as { id: string }).id;
    await untilWaiting(f.deps.store, runId);

    const detail = await f.call(f.tokens["a.viewer"], "GET", `/api/v1/runs/${runId}`);
    assert.equal((detail.json.run as { phase: string }).phase, "running");
    const steps = detail.json.steps as { id: string; kind: string; waitingForApproval: boolean }[];
    const waiting = steps.filter((s) => s.waitingForApproval);
    assert.deepEqual(
      waiting.map((s) => [s.id, s.kind]),
      [["approval:dns", "approval"]],
    );
    assert.deepEqual(await world.shopRecord(), primary, "DNS untouched while waiting");

    const approved = await f.call(f.tokens["a.approver"], "POST", `/api/v1/runs/${runId}/approve`, {
      decision: "approve",
      comment: "primary is gone",
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.json));
    await f.deps.runs?.drain();

    const done = await f.call(f.tokens["a.viewer"], "GET", `/api/v1/runs/${runId}`);
    assert.equal(
      (done.json.run as { phase: string }).phase,
      "succeeded",
      JSON.stringify(done.json),
    );
    const after = done.json.steps as { id: string; phase: string; waitingForApproval: boolean }[];
    assert.ok(after.every((s) => !s.waitingForApproval));
    assert.equal(after.find((s) => s.id === "dns-move:records")?.phase, "succeeded");
    const moved = await world.shopRecord();
    assert.match(moved.dnsName ?? "", /us-west-2/, "the record points at the recovered side");
  });
});

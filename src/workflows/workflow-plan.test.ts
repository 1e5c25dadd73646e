import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "../model/errors.js";
import { workflowSchema } from "../model/workflow.js";
import { standaloneBuiltins } from "../plugins/builtin/index.js";
import { PluginRegistry } from "../plugins/plugin-registry.js";
import { planWorkflow } from "./workflow-plan.js";

const registry = new PluginRegistry();
for (const plugin of standaloneBuiltins) registry.register(plugin);

test("a step no plug-in applies to is a validation error naming the step and the target", () => {
  const workflow = workflowSchema.parse({
    steps: [
      { id: "ok", action: "exec", with: { command: "true" } },
      {
        id: "freeze-db",
        action: "exec",
        with: { command: "true" },
        target: { volume: { path: "/srv/db.img" } },
      },
      { id: "nothing", action: "frobnicate" },
    ],
  });
  assert.throws(
    () => planWorkflow("nightly", workflow, registry),
    (e) => {
      if (!isLifeboatError(e, "LB_WORKFLOW_INVALID")) return false;
      const problems = e.details.problems as { step: string; target?: string }[];
      assert.deepEqual(
        problems.map((p) => [p.step, p.target ?? null]),
        [
          ["freeze-db", "volume /srv/db.img"],
          ["nothing", null],
        ],
      );
      assert.match(e.message, /freeze-db.*volume \/srv\/db\.img/);
      return true;
    },
  );
});

test("`with` is validated by the plug-in's schema; defaults are filled in the plan", () => {
  const bad = workflowSchema.parse({
    steps: [{ id: "h", action: "http", with: { url: "ftp://x" } }],
  });
  assert.throws(
    () => planWorkflow("w", bad, registry),
    (e) => isLifeboatError(e, "LB_WORKFLOW_INVALID") && /with\.url/.test(e.message),
  );
  const good = workflowSchema.parse({
    steps: [{ id: "h", action: "http", with: { url: "http://127.0.0.1:1/" }, timeout: "5s" }],
  });
  const plan = planWorkflow("w", good, registry);
  assert.deepEqual(plan.steps[0]?.params, {
    url: "http://127.0.0.1:1/",
    method: "GET",
    headers: {},
    expectStatus: [200],
  });
  assert.equal(plan.steps[0]?.timeoutMs, 5000);
  assert.equal(plan.steps[0]?.plugin, "lifeboat.action.http");
});

import { strict as assert } from "node:assert";
import { test } from "node:test";
import { planOf, planShop } from "../../test/builders/plan-helpers.js";
import { planReport, renderPlanText } from "./plan-report.js";

const plan = planOf(planShop());

test("the JSON report carries the plan and its shape", () => {
  const report = planReport(plan);
  assert.equal(report.plan, plan);
  assert.equal(report.summary.steps, plan.steps.length);
  assert.equal(
    report.summary.waves.flat().length,
    plan.steps.length,
    "every step is in exactly one wave",
  );
  assert.equal(report.summary.criticalPath.length, report.summary.waves.length);
  assert.equal(report.summary.criticalPath.at(-1), "dns:dns-record:rec-www");
  assert.equal(report.summary.byStepKind.dns, 1);
  assert.equal(report.summary.maxWidth, Math.max(...report.summary.waves.map((w) => w.length)));
  assert.doesNotThrow(() => JSON.stringify(report));
});

test("the text dry run lists every step by wave with what it waits for", () => {
  const text = renderPlanText(plan);
  const waves = planReport(plan).summary.waves;
  assert.equal((text.match(/^Wave \d+/gm) ?? []).length, waves.length);
  for (const step of plan.steps) assert.ok(text.includes(step.summary), step.id);
  assert.match(text, /after create:network:vpc-1/);
  assert.match(text, /\[timeout 600s\]/);
});

test("a drill says so in its header", () => {
  assert.match(renderPlanText(planOf(planShop({ mode: "drill" }))), /drill: no DNS change/);
});

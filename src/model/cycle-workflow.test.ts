import { strict as assert } from "node:assert";
import { test } from "node:test";
import { CYCLE_STEP_ID, cycleWorkflow } from "./cycle-workflow.js";
import { workflowSchema, workflowStepSchema } from "./workflow.js";

const step = (id: string, undo?: string) =>
  workflowStepSchema.parse({
    id,
    action: "exec",
    with: { command: "true" },
    ...(undo ? { undo } : {}),
  });
const workflows = { notify: workflowSchema.parse({ steps: [step("notify")] }) };

test("a cycle workflow: before steps, the cycle step, after steps; a pair may span the capture", () => {
  const combined = cycleWorkflow(
    { before: [step("freeze", "thaw")], after: [step("thaw"), "notify"] },
    workflows,
  );
  assert.ok("workflow" in combined);
  assert.deepEqual(
    combined.workflow.steps.map((s) => s.id),
    ["freeze", CYCLE_STEP_ID, "thaw", "notify"],
  );
});

test("an unknown workflow name or a pair undone before it opens is a problem naming the step", () => {
  const unknown = cycleWorkflow({ before: ["nope"], after: [] }, workflows);
  assert.ok("problems" in unknown);
  assert.deepEqual(unknown.problems[0]?.path, ["before", 0]);
  assert.match(unknown.problems[0]?.message ?? "", /no workflow "nope" \(known: notify\)/);
  const backwards = cycleWorkflow({ before: [step("thaw")], after: [step("freeze", "thaw")] }, {});
  assert.ok("problems" in backwards);
  assert.match(
    backwards.problems[0]?.message ?? "",
    /step freeze: undo step "thaw" must run after/,
  );
  const twice = cycleWorkflow({ before: ["notify"], after: ["notify"] }, workflows);
  assert.ok("problems" in twice);
  assert.match(twice.problems[0]?.message ?? "", /used twice/);
});

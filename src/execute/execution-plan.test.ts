import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "../model/errors.js";
import type { Plan, Step } from "../model/plan/index.js";
import { refsIn, validatePlan, type ExecutableStep, type ExecutionPlan } from "./execution-plan.js";

const s = (id: string, dependsOn: string[] = [], input: ExecutableStep["input"] = {}) => ({
  id,
  kind: "make",
  dependsOn,
  idempotencyKey: id,
  input,
});

test("validatePlan returns a topological order that keeps plan order among ready steps", () => {
  const order = validatePlan({ steps: [s("d", ["b", "c"]), s("c", ["a"]), s("b", ["a"]), s("a")] });
  assert.deepEqual(
    order.map((x) => x.id),
    ["a", "c", "b", "d"],
  );
});

test("validatePlan refuses duplicates, unknown dependencies, cycles and unbound references", () => {
  const bad: ExecutionPlan[] = [
    { steps: [s("a"), s("a")] },
    { steps: [s("a", ["zz"])] },
    { steps: [s("a", ["c"]), s("b", ["a"]), s("c", ["b"])] },
    { steps: [s("a", [], { x: { ref: "network:n" } })] },
    { steps: [s("a"), s("b", [], { ref: "network:n" })], bindings: { "network:n": "a" } },
  ];
  for (const plan of bad) {
    assert.throws(
      () => validatePlan(plan),
      (e) => isLifeboatError(e, "LB_INVALID_INPUT"),
    );
  }
  const ok = { steps: [s("a"), s("b", ["a"], { x: [{ ref: "network:n" }] })] };
  assert.equal(validatePlan({ ...ok, bindings: { "network:n": "a" } }).length, 2);
});

test("references are found anywhere in an input", () => {
  assert.deepEqual(refsIn({ a: [{ ref: "x:1" }, { b: { ref: "x:2" } }], c: { ref: 3 } }), [
    "x:1",
    "x:2",
  ]);
});

test("the planner's Step and Plan are executable as they are", () => {
  const step: Step = {
    id: "create:network:vpc-1",
    kind: "create",
    resource: "network:vpc-1",
    resourceKind: "network",
    summary: "create network",
    dependsOn: [],
    idempotencyKey: "plan-1/create:network:vpc-1",
    input: { cidr: "10.0.0.0/16" },
  };
  const executable: ExecutableStep = step;
  const plan: Pick<Plan, "steps" | "bindings"> = { steps: [step], bindings: {} };
  const executablePlan: ExecutionPlan = plan;
  assert.equal(validatePlan(executablePlan)[0], executable);
});

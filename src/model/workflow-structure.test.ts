import { strict as assert } from "node:assert";
import { test } from "node:test";
import { orderSteps, workflowStructureProblems } from "./workflow-structure.js";

test("seq orders steps; unnumbered steps keep their written place; after is respected", () => {
  const order = orderSteps([
    { id: "c", seq: 30 },
    { id: "a", seq: 10 },
    { id: "a2" },
    { id: "b", seq: 20 },
    { id: "z", seq: 1, after: ["b"] },
  ]);
  assert.deepEqual(
    order?.map((s) => s.id),
    ["a", "a2", "b", "z", "c"],
  );
});

test("structure problems: duplicate ids, unknown after, cycles, malformed pairs", () => {
  const messages = (steps: Parameters<typeof workflowStructureProblems>[0]) =>
    workflowStructureProblems(steps).map((p) => p.message);
  assert.match(messages([{ id: "a" }, { id: "a" }])[0] ?? "", /used twice/);
  assert.match(messages([{ id: "a", after: ["x"] }])[0] ?? "", /no step has id "x"/);
  assert.match(
    messages([
      { id: "a", after: ["b"] },
      { id: "b", after: ["a"] },
    ])[0] ?? "",
    /cycle/,
  );
  assert.match(messages([{ id: "u" }, { id: "q", undo: "u" }])[0] ?? "", /must run after/);
  assert.match(
    messages([{ id: "q", undo: "u" }, { id: "r", undo: "u" }, { id: "u" }])[0] ?? "",
    /already undoes/,
  );
  assert.deepEqual(messages([{ id: "q", undo: "u" }, { id: "s" }, { id: "u" }]), []);
});

// STYLE.md: "No import cycles." Checked over the TypeScript sources, value imports only
// (`import type` is erased at compile time and cannot cause load-order bugs).
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { findCycles, importGraph } from "./import-graph.js";

const src = fileURLToPath(new URL("../../../src/", import.meta.url));

test("src/ has no import cycles", () => {
  assert.deepEqual(findCycles(importGraph(src)), []);
});

test("the cycle finder finds a cycle and a self-import", () => {
  const graph = new Map([
    ["a.ts", ["b.ts"]],
    ["b.ts", ["c.ts"]],
    ["c.ts", ["a.ts"]],
    ["d.ts", ["d.ts"]],
    ["e.ts", ["a.ts"]],
  ]);
  assert.deepEqual(findCycles(graph), [["a.ts", "b.ts", "c.ts"], ["d.ts"]]);
});

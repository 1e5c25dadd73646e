import { strict as assert } from "node:assert";
import { test } from "node:test";
import { BugError } from "../model/errors.js";
import { analyseGraph, reduceEdges } from "./plan-graph.js";

const node = (id: string, ...dependsOn: string[]) => ({ id, dependsOn });

test("waves are depths; the critical path is the longest chain; width is the widest wave", () => {
  const analysis = analyseGraph([
    node("net"),
    node("sub-a", "net"),
    node("sub-b", "net"),
    node("sg", "net"),
    node("vm", "sub-a", "sg"),
    node("dns", "vm"),
    node("image"),
  ]);
  assert.deepEqual(analysis.waves, [["image", "net"], ["sg", "sub-a", "sub-b"], ["vm"], ["dns"]]);
  assert.deepEqual(analysis.criticalPath, ["net", "sg", "vm", "dns"]);
  assert.equal(analysis.maxWidth, 3);
});

test("a cycle is a BugError that names the cycle", () => {
  assert.throws(
    () => analyseGraph([node("a", "c"), node("b", "a"), node("c", "b"), node("d")]),
    (e: unknown) => e instanceof BugError && /a -> c -> b -> a/.test(e.message),
  );
});

test("an edge to an unknown step is a BugError", () => {
  assert.throws(() => analyseGraph([node("a", "ghost")]), BugError);
});

test("an empty graph has no waves and no critical path", () => {
  assert.deepEqual(analyseGraph([]), {
    waves: [],
    waveOf: new Map(),
    criticalPath: [],
    maxWidth: 0,
  });
});

test("edges implied by a longer path are removed, nothing else", () => {
  const reduced = reduceEdges([
    node("a"),
    node("b", "a"),
    node("c", "a", "b"),
    node("d", "a", "c", "b"),
  ]);
  assert.deepEqual(Object.fromEntries(reduced), { a: [], b: ["a"], c: ["b"], d: ["c"] });
});

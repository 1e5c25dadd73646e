import * as assert from "node:assert/strict";
import { test } from "node:test";
import { layoutOfNode, layoutToNode } from "./image-layout.js";

const id = (n: number) => n.toString(16).padStart(64, "0");

test("zero chunks become aligned holes and come back as null positions", () => {
  const layout = {
    size: 5 * 1024 + 100,
    chunkSize: 1024,
    positions: [id(1), null, null, id(2), id(3), null],
  };
  const node = layoutToNode(layout);
  assert.deepEqual(node.content, [id(1), id(2), id(3)]);
  assert.deepEqual(node.sparse, [
    [1024, 2048],
    [5120, 100],
  ]);
  assert.deepEqual(layoutOfNode({ name: "disk", type: "file", ...node }, "disk"), layout);
});

test("content that does not cover the image is corrupt", () => {
  assert.throws(
    () =>
      layoutOfNode({ name: "d", type: "file", size: 2048, chunkSize: 1024, content: [id(1)] }, "d"),
    { code: "LB_REPO_PACK_CORRUPT" },
  );
});

test("patches round-trip through the node in list order", () => {
  const layout = {
    size: 4 * 1024,
    chunkSize: 1024,
    positions: [id(1), null, id(2), id(3)],
    patches: [
      { offset: 1030, length: 10, id: id(7) },
      { offset: 10, length: 5, id: id(8) },
      { offset: 1032, length: 4, id: id(9) },
    ],
  };
  const node = layoutToNode(layout);
  assert.deepEqual(node.patches, [
    [1030, 10, id(7)],
    [10, 5, id(8)],
    [1032, 4, id(9)],
  ]);
  assert.deepEqual(layoutOfNode({ name: "disk", type: "file", ...node }, "disk"), layout);
  assert.equal(layoutToNode({ ...layout, patches: [] }).patches, undefined);
});

test("a patch across a chunk boundary, past the end or empty is corrupt", () => {
  const node = { name: "d", type: "file" as const, size: 2048 + 100, chunkSize: 1024 };
  const content = [id(1), id(2), id(3)];
  for (const patch of [
    [1020, 8, id(5)],
    [2100, 50, id(5)],
    [0, 0, id(5)],
  ] as [number, number, string][]) {
    assert.throws(() => layoutOfNode({ ...node, content, patches: [patch] }, "d"), {
      code: "LB_REPO_PACK_CORRUPT",
    });
  }
  assert.equal(
    layoutOfNode({ ...node, content, patches: [[2048, 100, id(5)]] }, "d").patches?.length,
    1,
  );
});

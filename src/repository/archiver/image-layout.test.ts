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

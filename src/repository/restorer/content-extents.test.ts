import * as assert from "node:assert/strict";
import { test } from "node:test";
import { ContentExtents } from "./content-extents.js";

test("content bytes map around holes onto file offsets", () => {
  const extents = new ContentExtents(
    {
      name: "f",
      type: "file",
      size: 100,
      sparse: [
        [10, 20],
        [50, 10],
      ],
    },
    "f",
  );
  assert.equal(extents.dataLength, 70);
  // A blob covering content [5, 35) spans the first hole and ends inside the second extent.
  assert.deepEqual(extents.pieces(5, 30), [
    { fileOffset: 5, from: 0, length: 5 },
    { fileOffset: 30, from: 5, length: 20 },
    { fileOffset: 60, from: 25, length: 5 },
  ]);
  assert.deepEqual(extents.pieces(60, 10), [{ fileOffset: 90, from: 0, length: 10 }]);
});

test("a sparse map that leaves the file is corrupt", () => {
  assert.throws(
    () => new ContentExtents({ name: "f", type: "file", size: 10, sparse: [[5, 10]] }, "f"),
    { code: "LB_REPO_PACK_CORRUPT" },
  );
});

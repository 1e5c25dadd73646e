import * as assert from "node:assert/strict";
import { test } from "node:test";
import { mergeRanges, planIncremental } from "./image-patch-plan.js";
import { MAX_PATCHES_PER_CHUNK, visiblePatchPieces } from "./image-patches.js";

const id = (n: number) => n.toString(16).padStart(64, "0");
const KiB = 1024;

test("visible pieces: a later patch hides what it overlaps, whatever the order written", () => {
  const pieces = visiblePatchPieces(
    [
      { offset: 100, length: 100, id: id(1) },
      { offset: 150, length: 20, id: id(2) },
      { offset: 90, length: 20, id: id(3) },
      { offset: 120, length: 10, id: id(4) },
      { offset: 5000, length: 10, id: id(5) },
    ],
    4096,
  );
  assert.deepEqual(
    pieces.map((p) => p.pieces),
    [
      [
        { fileOffset: 110, from: 10, length: 10 },
        { fileOffset: 130, from: 30, length: 20 },
        { fileOffset: 170, from: 70, length: 30 },
      ],
      [{ fileOffset: 150, from: 0, length: 20 }],
      [{ fileOffset: 90, from: 0, length: 20 }],
      [{ fileOffset: 120, from: 0, length: 10 }],
      [{ fileOffset: 5000, from: 0, length: 10 }],
    ],
  );
  const hidden = visiblePatchPieces(
    [
      { offset: 10, length: 5, id: id(1) },
      { offset: 0, length: 50, id: id(2) },
    ],
    4096,
  );
  assert.deepEqual(hidden[0]!.pieces, []);
});

test("changed ranges are sorted, clipped to the image and united", () => {
  assert.deepEqual(
    mergeRanges(
      [
        { offset: 50, length: 10 },
        { offset: 0, length: 10 },
        { offset: 10, length: 5 },
        { offset: 55, length: 20 },
        { offset: 95, length: 20 },
        { offset: 200, length: 1 },
      ],
      100,
    ),
    [
      { offset: 0, length: 15 },
      { offset: 50, length: 25 },
      { offset: 95, length: 5 },
    ],
  );
});

test("plan: small changes become patches, covered patches go, big or many rewrite the chunk", () => {
  const cs = 64 * KiB;
  const parent = {
    size: 4 * cs + 100,
    chunkSize: cs,
    positions: [id(1), id(2), null, id(3), id(4)],
    patches: [
      { offset: 10, length: 10, id: id(10) },
      { offset: 100, length: 10, id: id(11) },
      { offset: cs + 5, length: 5, id: id(12) },
    ],
  };
  const plan = planIncremental(
    parent,
    [
      { offset: 90, length: 30 }, // covers patch 11, not 10
      { offset: cs - 4, length: 8 }, // spans chunks 0 and 1
      { offset: 2 * cs + 7, length: 1 }, // a hole chunk gets a patch
      { offset: 3 * cs, length: cs / 2 }, // half a chunk: rewritten whole
    ],
    parent.size,
    cs,
  );
  assert.deepEqual(plan.base, [id(1), id(2), null, undefined, undefined]);
  assert.deepEqual(plan.patches.get(0), {
    keep: [parent.patches[0]],
    read: [
      { offset: 90, length: 30 },
      { offset: cs - 4, length: 4 },
    ],
  });
  assert.deepEqual(plan.patches.get(1), {
    keep: [parent.patches[2]],
    read: [{ offset: cs, length: 4 }],
  });
  assert.deepEqual(plan.patches.get(2), { keep: [], read: [{ offset: 2 * cs + 7, length: 1 }] });
  assert.equal(plan.patches.has(3), false);

  const many = Array.from({ length: MAX_PATCHES_PER_CHUNK + 1 }, (_, i) => ({
    offset: i * 100,
    length: 1,
  }));
  const crowded = planIncremental(parent, many, parent.size, cs);
  assert.equal(crowded.base[0], undefined);
  assert.equal(crowded.patches.has(0), false);
  assert.ok(crowded.patches.has(1), "an untouched chunk keeps its patches");

  const shrunk = planIncremental(parent, [], cs + 10, cs);
  assert.deepEqual(shrunk.base, [id(1), undefined]);
  assert.deepEqual([...shrunk.patches.keys()], [0]);
});

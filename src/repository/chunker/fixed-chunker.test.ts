import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "../../model/errors.js";
import { chunkAll } from "./chunker.js";
import { FixedChunker, fixedChunksTouched } from "./fixed-chunker.js";
import { xorshift32 } from "./golden-input.js";

const KiB = 1024;

test("cuts at every multiple of the size, with a short last chunk", () => {
  const cuts = chunkAll(new FixedChunker(64 * KiB), new Uint8Array(200 * KiB));
  assert.deepEqual(cuts, [64 * KiB, 128 * KiB, 192 * KiB, 200 * KiB]);
});

test("an image of whole chunks has no extra empty chunk; an empty one has none", () => {
  assert.deepEqual(chunkAll(new FixedChunker(64 * KiB), new Uint8Array(128 * KiB)), [
    64 * KiB,
    128 * KiB,
  ]);
  assert.deepEqual(chunkAll(new FixedChunker(64 * KiB), new Uint8Array(0)), []);
});

test("boundaries do not depend on how the input is split", () => {
  const random = xorshift32(11);
  const chunker = new FixedChunker(64 * KiB);
  const cuts: number[] = [];
  const total = 1000 * KiB + 17;
  for (let pos = 0; pos < total;) {
    const size = Math.min(random() % (150 * KiB), total - pos);
    cuts.push(...chunker.push(new Uint8Array(size)));
    pos += size;
  }
  cuts.push(...chunker.finish());
  assert.deepEqual(cuts, chunkAll(new FixedChunker(64 * KiB), new Uint8Array(total)));
});

test("a changed 4 KiB block maps to exactly one chunk unless it straddles a boundary", () => {
  const size = 1024 * KiB;
  assert.deepEqual(fixedChunksTouched(5 * size + 8 * KiB, 4 * KiB, size), { first: 5, last: 5 });
  assert.deepEqual(fixedChunksTouched(6 * size - 2 * KiB, 4 * KiB, size), { first: 5, last: 6 });
  assert.equal(fixedChunksTouched(0, 0, size), null);
});

test("sizes that are not a power of two in [64 KiB, 16 MiB] are rejected", () => {
  for (const size of [1000, 32 * KiB, 3 * 1024 * KiB, 32 * 1024 * KiB]) {
    assert.throws(
      () => new FixedChunker(size),
      (error: unknown) => isLifeboatError(error, "LB_INVALID_INPUT"),
    );
  }
});

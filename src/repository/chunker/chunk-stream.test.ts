import { strict as assert } from "node:assert";
import { test } from "node:test";
import { chunkAll } from "./chunker.js";
import { chunkStream } from "./chunk-stream.js";
import { FastCdcChunker } from "./fastcdc-chunker.js";
import { FixedChunker } from "./fixed-chunker.js";
import { GOLDEN_KEY, xorshift32, xorshiftBytes } from "./golden-input.js";

function* randomSplits(data: Uint8Array, seed: number): Generator<Uint8Array> {
  const random = xorshift32(seed);
  for (let pos = 0; pos < data.length;) {
    const size = random() % 3 === 0 ? random() % 100 : random() % 50_000;
    // A fresh copy per piece, as a file stream hands out new buffers.
    yield Uint8Array.from(data.subarray(pos, pos + size));
    pos += size;
  }
}

const SMALL = { min: 1024, avg: 4096, max: 16384 };

test("chunks reassemble the stream exactly, at the chunker's boundaries", async () => {
  const data = xorshiftBytes(600_000, 3);
  for (const make of [() => new FastCdcChunker(GOLDEN_KEY, SMALL), () => new FixedChunker(65536)]) {
    const expected = chunkAll(make(), data);
    for (const seed of [1, 2, 3]) {
      const ends: number[] = [];
      let offset = 0;
      for await (const chunk of chunkStream(randomSplits(data, seed), make())) {
        assert.equal(chunk.offset, offset);
        assert.deepEqual(chunk.data, data.subarray(offset, offset + chunk.data.length));
        offset += chunk.data.length;
        ends.push(offset);
      }
      assert.equal(offset, data.length);
      assert.deepEqual(ends, expected);
    }
  }
});

test("an empty stream yields no chunks", async () => {
  const chunks = [];
  for await (const chunk of chunkStream([new Uint8Array(0)], new FixedChunker(65536))) {
    chunks.push(chunk);
  }
  assert.deepEqual(chunks, []);
});

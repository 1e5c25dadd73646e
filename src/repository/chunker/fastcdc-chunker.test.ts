import { strict as assert } from "node:assert";
import { describe, test } from "node:test";
import { isLifeboatError } from "../../model/errors.js";
import { chunkAll } from "./chunker.js";
import { FastCdcChunker, type GearScannerFactory } from "./fastcdc-chunker.js";
import { fastCdcMasks, type FastCdcParams } from "./fastcdc-params.js";
import { deriveGearTable } from "./gear-table.js";
import { JsGearScanner } from "./gear-scanner.js";
import { WasmGearScanner } from "./gear-wasm.js";
import { GOLDEN_KEY, wordBytes, xorshift32, xorshiftBytes } from "./golden-input.js";

const SMALL: FastCdcParams = { min: 1024, avg: 4096, max: 16384 };

/** A deliberately naive whole-buffer FastCDC, written straight from the algorithm's text. */
function referenceCuts(key: Uint8Array, params: FastCdcParams, data: Uint8Array): number[] {
  const gear = deriveGearTable(key);
  const { strict, loose } = fastCdcMasks(params.avg);
  const cuts: number[] = [];
  let start = 0;
  while (start < data.length) {
    let end = Math.min(start + params.max, data.length);
    let h = 0;
    for (let i = start + params.min; i < end; i++) {
      h = (Math.imul(h, 2) + gear[data[i]!]!) | 0;
      if ((h & (i - start < params.avg ? strict : loose)) === 0) {
        end = i + 1;
        break;
      }
    }
    cuts.push(end);
    start = end;
  }
  return cuts;
}

function mixedData(length: number, seed: number): Uint8Array {
  const data = xorshiftBytes(length, seed);
  data.set(wordBytes(Math.floor(length / 3), seed + 1), Math.floor(length / 3));
  data.fill(0, Math.floor((2 * length) / 3), Math.floor((2 * length) / 3) + 3 * SMALL.max);
  return data;
}

const scanners: Record<string, GearScannerFactory> = {
  javascript: (gear) => new JsGearScanner(gear),
  webassembly: (gear) => new WasmGearScanner(gear),
};

for (const [name, factory] of Object.entries(scanners)) {
  describe(`FastCDC with the ${name} scanner`, () => {
    const data = mixedData(1 << 20, 99);
    const expected = referenceCuts(GOLDEN_KEY, SMALL, data);

    test("matches the reference algorithm, and chunk sizes respect min and max", () => {
      assert.deepEqual(chunkAll(new FastCdcChunker(GOLDEN_KEY, SMALL, factory), data), expected);
      const sizes = expected.map((cut, i) => cut - (expected[i - 1] ?? 0));
      assert.ok(sizes.slice(0, -1).every((size) => size > SMALL.min && size <= SMALL.max));
      assert.ok(sizes.includes(SMALL.max), "the zero run is cut at max");
      assert.equal(expected.at(-1), data.length);
    });

    test("boundaries do not depend on how the input is split into buffers", () => {
      const random = xorshift32(2026);
      for (let round = 0; round < 20; round++) {
        const chunker = new FastCdcChunker(GOLDEN_KEY, SMALL, factory);
        const cuts: number[] = [];
        for (let pos = 0; pos < data.length;) {
          // Mostly tiny pieces, sometimes empty ones, sometimes several chunks at once.
          const roll = random() % 10;
          const size = roll === 0 ? 0 : roll < 7 ? random() % 64 : random() % 40000;
          cuts.push(...chunker.push(data.subarray(pos, pos + size)));
          pos += size;
        }
        cuts.push(...chunker.finish());
        assert.deepEqual(cuts, expected, `round ${round}`);
      }
    });

    test("a chunker can be reused after finish", () => {
      const chunker = new FastCdcChunker(GOLDEN_KEY, SMALL, factory);
      chunker.push(data.subarray(0, 12345));
      chunker.finish();
      assert.deepEqual(chunkAll(chunker, data), expected);
    });
  });
}

test("an insertion near the start keeps later boundaries (they shift with the content)", () => {
  const data = xorshiftBytes(1 << 20, 5);
  const edited = new Uint8Array(data.length + 100);
  edited.set(data.subarray(0, 5000), 0);
  edited.set(data.subarray(5000), 5100);
  const before = new Set(chunkAll(new FastCdcChunker(GOLDEN_KEY, SMALL), data));
  const after = chunkAll(new FastCdcChunker(GOLDEN_KEY, SMALL), edited).map((cut) => cut - 100);
  const kept = after.filter((cut) => before.has(cut)).length;
  assert.ok(kept >= before.size - 3, `kept ${kept} of ${before.size} boundaries`);
});

test("the key changes the boundaries", () => {
  const data = xorshiftBytes(1 << 20, 6);
  const a = chunkAll(new FastCdcChunker(GOLDEN_KEY, SMALL), data);
  const b = chunkAll(new FastCdcChunker(new Uint8Array(32).fill(1), SMALL), data);
  assert.notDeepEqual(a, b);
});

test("an empty stream has no chunks", () => {
  assert.deepEqual(chunkAll(new FastCdcChunker(GOLDEN_KEY, SMALL), new Uint8Array(0)), []);
});

test("unusable parameters are rejected with LB_INVALID_INPUT", () => {
  for (const params of [
    { min: 1024, avg: 3000, max: 16384 },
    { min: 8192, avg: 4096, max: 16384 },
    { min: 16, avg: 4096, max: 16384 },
    { min: 1024, avg: 4096, max: 2048 },
  ]) {
    assert.throws(
      () => new FastCdcChunker(GOLDEN_KEY, params),
      (error: unknown) => isLifeboatError(error, "LB_INVALID_INPUT"),
      JSON.stringify(params),
    );
  }
});

test("interleaved chunkers with the same key (sharing one WebAssembly instance) stay independent", () => {
  const a = xorshiftBytes(300_000, 21);
  const b = wordBytes(300_000, 22);
  const first = new FastCdcChunker(GOLDEN_KEY, SMALL);
  const second = new FastCdcChunker(GOLDEN_KEY, SMALL);
  const cutsA: number[] = [];
  const cutsB: number[] = [];
  for (let pos = 0; pos < a.length; pos += 7000) {
    cutsA.push(...first.push(a.subarray(pos, pos + 7000)));
    cutsB.push(...second.push(b.subarray(pos, pos + 7000)));
  }
  cutsA.push(...first.finish());
  cutsB.push(...second.finish());
  assert.deepEqual(cutsA, referenceCuts(GOLDEN_KEY, SMALL, a));
  assert.deepEqual(cutsB, referenceCuts(GOLDEN_KEY, SMALL, b));
});

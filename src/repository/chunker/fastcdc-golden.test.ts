import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { chunkAll } from "./chunker.js";
import { FastCdcChunker, type GearScannerFactory } from "./fastcdc-chunker.js";
import { JsGearScanner } from "./gear-scanner.js";
import { WasmGearScanner } from "./gear-wasm.js";
import { goldenInput, GOLDEN_KEY } from "./golden-input.js";

// Chunk boundaries are a format commitment: if these change, every existing repository stops
// deduplicating against new backups. Never "update" these numbers to make a test pass.
const INPUT_SHA256 = "5527cef1f03d17d9ac14eea8fd3c8e4c35b50f1dc1ac8f1a4b635e0b68676948";
const DEFAULT_CUTS = [
  1557890, 2805440, 3926338, 7341913, 8655076, 9228251, 10322356, 11440301, 12582912,
];
const SMALL = { min: 2048, avg: 8192, max: 65536 };
const SMALL_COUNT = 1055;
const SMALL_FIRST = [
  9486, 19247, 27907, 40527, 53339, 63096, 73442, 85306, 97385, 100787, 112024, 122401,
];
const SMALL_SHA256 = "f62bdba4a805d08373831ce56eb429919b0364c998bb8d6d9fc81e4b488fa773";

const input = goldenInput();
const scanners: Record<string, GearScannerFactory> = {
  javascript: (gear) => new JsGearScanner(gear),
  webassembly: (gear) => new WasmGearScanner(gear),
  "webassembly, no unrolling": (gear) => new WasmGearScanner(gear, 1),
};

test("the golden input is the documented one", () => {
  assert.equal(createHash("sha256").update(input).digest("hex"), INPUT_SHA256);
});

for (const [name, factory] of Object.entries(scanners)) {
  describe(`golden vectors, ${name} scanner`, () => {
    test("default parameters (512 KiB / 1 MiB / 8 MiB)", () => {
      assert.deepEqual(
        chunkAll(new FastCdcChunker(GOLDEN_KEY, undefined, factory), input),
        DEFAULT_CUTS,
      );
    });

    test("small parameters (2 KiB / 8 KiB / 64 KiB), including cuts at max in the zero run", () => {
      const cuts = chunkAll(new FastCdcChunker(GOLDEN_KEY, SMALL, factory), input);
      assert.equal(cuts.length, SMALL_COUNT);
      assert.deepEqual(cuts.slice(0, SMALL_FIRST.length), SMALL_FIRST);
      assert.equal(createHash("sha256").update(cuts.join(",")).digest("hex"), SMALL_SHA256);
    });
  });
}

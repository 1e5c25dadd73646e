/**
 * Micro-benchmark of the FastCDC inner loop: `node dist/bench/chunker-bench.js [MiB]`.
 * Compares the candidate implementations on the same pseudo-random buffer (default 256 MiB),
 * best of 3 runs each, one core:
 *   - naive JavaScript: Uint32 gear table, `(h << 1) + g >>> 0`, one byte per iteration
 *     (the style of the 166 MiB/s loop the issue started from);
 *   - JavaScript int32: Int32 gear, `| 0`, two bytes per iteration (JsGearScanner);
 *   - WebAssembly, hand-written, unrolled 1, 2, 4 and 8 bytes per iteration (WasmGearScanner);
 * then the whole chunker at the default 512 KiB / 1 MiB / 8 MiB bounds, which skips hashing
 * for the first 512 KiB of every chunk.
 * All variants must find the same cut points; the script fails if they do not.
 */
import { randomBytes } from "node:crypto";
import { chunkAll } from "../src/repository/chunker/chunker.js";
import { FastCdcChunker } from "../src/repository/chunker/fastcdc-chunker.js";
import { fastCdcMasks } from "../src/repository/chunker/fastcdc-params.js";
import { deriveGearTable } from "../src/repository/chunker/gear-table.js";
import { JsGearScanner, type GearScanner } from "../src/repository/chunker/gear-scanner.js";
import { WasmGearScanner } from "../src/repository/chunker/gear-wasm.js";
import { xorshiftBytes } from "../src/repository/chunker/golden-input.js";

const MiB = 1024 * 1024;

/** The starting point: correct, but V8 keeps `h` as a double because of `>>> 0`. */
class NaiveScanner implements GearScanner {
  hash = 0;
  private readonly gear: Uint32Array;
  constructor(gear: Int32Array) {
    this.gear = new Uint32Array(gear.buffer.slice(0));
  }
  scan(data: Uint8Array, from: number, to: number, mask: number): number {
    const unsignedMask = mask >>> 0;
    let h = this.hash >>> 0;
    for (let i = from; i < to; i++) {
      h = ((h << 1) + this.gear[data[i]!]!) >>> 0;
      if ((h & unsignedMask) >>> 0 === 0) {
        this.hash = h | 0;
        return i;
      }
    }
    this.hash = h | 0;
    return -1;
  }
}

function bestOf3(work: () => number[]): { seconds: number; cuts: number[] } {
  let best = Infinity;
  let cuts: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    cuts = work();
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return { seconds: best, cuts };
}

/** Scans every byte (no minimum-size skip), resetting the hash at each match. */
function scanAll(scanner: GearScanner, data: Uint8Array, mask: number): number[] {
  const hits: number[] = [];
  scanner.hash = 0;
  for (let pos = 0; pos < data.length;) {
    const hit = scanner.scan(data, pos, data.length, mask);
    if (hit < 0) break;
    hits.push(hit);
    scanner.hash = 0;
    pos = hit + 1;
  }
  return hits;
}

const size = Number(process.argv[2] ?? 256) * MiB;
const data = xorshiftBytes(size, 42);
const key = randomBytes(32);
const gear = deriveGearTable(key);
const mask = fastCdcMasks(1 << 20).strict;
const variants: [string, GearScanner][] = [
  ["naive JavaScript (Uint32, >>> 0, 1 byte/iteration)", new NaiveScanner(gear)],
  ["JavaScript int32, 2 bytes/iteration", new JsGearScanner(gear)],
  ["WebAssembly, 1 byte/iteration", new WasmGearScanner(gear, 1)],
  ["WebAssembly, 2 bytes/iteration", new WasmGearScanner(gear, 2)],
  ["WebAssembly, 4 bytes/iteration", new WasmGearScanner(gear, 4)],
  ["WebAssembly, 8 bytes/iteration (default)", new WasmGearScanner(gear, 8)],
];

console.log(`gear loop over ${size / MiB} MiB, every byte hashed, best of 3:`);
let reference: string | undefined;
for (const [name, scanner] of variants) {
  const { seconds, cuts } = bestOf3(() => scanAll(scanner, data, mask));
  reference ??= JSON.stringify(cuts);
  if (JSON.stringify(cuts) !== reference) throw new Error(`${name} found different cut points`);
  console.log(`  ${name.padEnd(52)} ${(size / MiB / seconds).toFixed(0).padStart(6)} MiB/s`);
}

console.log("whole chunker, default bounds (512 KiB / 1 MiB / 8 MiB), best of 3:");
for (const [name, factory] of [
  ["JavaScript", (g: Int32Array) => new JsGearScanner(g)],
  ["WebAssembly (default)", (g: Int32Array) => new WasmGearScanner(g)],
] as const) {
  const { seconds, cuts } = bestOf3(() =>
    chunkAll(new FastCdcChunker(key, undefined, factory), data),
  );
  console.log(
    `  ${name.padEnd(52)} ${(size / MiB / seconds).toFixed(0).padStart(6)} MiB/s, ` +
      `${cuts.length} chunks, mean ${(size / cuts.length / MiB).toFixed(2)} MiB`,
  );
}

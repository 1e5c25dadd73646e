import type { GearScanner } from "./gear-scanner.js";

/*
 * The gear loop as a hand-written WebAssembly module, emitted from these bytes at startup (no
 * toolchain needed). Memory layout: gear table at 0 (256 × i32), the hash written back at
 * HASH_AT, input bytes copied to DATA_AT. The function, in text format (UNROLL steps per turn of
 * the first loop, each step reading its byte with a constant offset; the second loop finishes
 * the tail one byte at a time):
 *
 *   (func (export "scan") (param $p i32) (param $end i32) (param $h i32) (param $mask i32)
 *         (result i32) (local $last i32)
 *     (local.set $last (i32.sub $end (UNROLL - 1)))
 *     block loop                                   ;; for k in 0..UNROLL-1: step(k)
 *       (br_if 1 (i32.ge_s $p $last))
 *       step(0) step(1) ... (local.set $p (i32.add $p UNROLL)) (br 0)
 *     end end
 *     block loop (br_if 1 (i32.ge_s $p $end)) step(0) (local.set $p (i32.add $p 1)) (br 0) end end
 *     (i32.store HASH_AT $h) (i32.const -1))
 *
 *   step(k) = (local.set $h (i32.add (i32.shl $h 1) (i32.load (i32.shl (i32.load8_u offset=k $p) 2))))
 *             (if (i32.eqz (i32.and $h $mask)) (then (i32.store HASH_AT $h) (return (i32.add $p k))))
 *
 * Signed compares keep `$last` correct when a range is shorter than UNROLL.
 */

const HASH_AT = 1024;
const DATA_AT = 2048;
/** Input copied per call; bigger ranges are scanned in several calls. */
const WINDOW = 1 << 20;
const PAGES = Math.ceil((DATA_AT + WINDOW) / 65536);
/** Steps per turn of the main loop; 8 measured fastest or equal (bench/chunker-bench.ts). */
export const DEFAULT_UNROLL = 8;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, "utf8")];

// Local indexes, and the opcodes used (WebAssembly core spec, section 5.4).
const [P, END, H, MASK, LAST] = [0, 1, 2, 3, 4];
const [BLOCK, LOOP, IF, END_, BR, BR_IF, RETURN, VOID] = [
  0x02, 0x03, 0x04, 0x0b, 0x0c, 0x0d, 0x0f, 0x40,
];
const [GET, SET, TEE, LOAD, LOAD8_U, STORE, CONST] = [0x20, 0x21, 0x22, 0x28, 0x2d, 0x36, 0x41];
const [EQZ, GE_S, ADD, SUB, AND, SHL] = [0x45, 0x4e, 0x6a, 0x6b, 0x71, 0x74];
const I32 = 0x7f;

// Constants below 64 encode as one signed-LEB128 byte; 1024 (HASH_AT) needs two.
// prettier-ignore
const storeHash = [CONST, 0x80, 0x08, GET, H, STORE, 2, 0];

// prettier-ignore
const step = (k: number) => [
  GET, H, CONST, 1, SHL,                                     // h << 1
  GET, P, LOAD8_U, 0, k, CONST, 2, SHL, LOAD, 2, 0,          // gear[mem[p + k]]
  ADD, TEE, H,                                               // h = the sum
  GET, MASK, AND, EQZ, IF, VOID,                             // if ((h & mask) == 0)
  ...storeHash, GET, P, ...(k === 0 ? [] : [CONST, k, ADD]), RETURN, // return p + k
  END_,
];

// prettier-ignore
const loop = (limit: number, steps: number) => [
  BLOCK, VOID, LOOP, VOID,
  GET, P, GET, limit, GE_S, BR_IF, 1,                        // leave when p >= limit
  ...Array.from({ length: steps }, (_, k) => step(k)).flat(),
  GET, P, CONST, steps, ADD, SET, P, BR, 0,                  // p += steps; again
  END_, END_,
];

// prettier-ignore
const body = (unroll: number) => [
  1, 1, I32,                                                 // one extra local: last
  GET, END, CONST, unroll - 1, SUB, SET, LAST,
  ...loop(LAST, unroll),
  ...loop(END, 1),
  ...storeHash, CONST, 0x7f, END_,                           // return -1
];

/** The module's bytes for a given unroll factor (1 to 16). */
export function gearModuleBytes(unroll: number = DEFAULT_UNROLL): Uint8Array {
  const code = body(unroll);
  // prettier-ignore
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,              // "\0asm", version 1
    ...section(1, [1, 0x60, 4, I32, I32, I32, I32, 1, I32]),   // type: (i32 × 4) -> i32
    ...section(3, [1, 0]),                                     // one function of type 0
    ...section(5, [1, 0x00, ...uleb(PAGES)]),                  // one memory
    ...section(7, [2, ...name("memory"), 0x02, 0, ...name("scan"), 0x00, 0]), // exports
    ...section(10, [1, ...uleb(code.length), ...code]),        // code
  ]);
}

/** The slice of the WebAssembly JS API this file uses (lib "dom" is not loaded for Node). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const compiled = new Map<number, object>();
/** One instance per gear table and unroll factor: chunkers of one repository share it. */
const instances = new WeakMap<Int32Array, Map<number, { exports: unknown }>>();

function instanceFor(gear: Int32Array, unroll: number): { exports: unknown } {
  let byUnroll = instances.get(gear);
  if (byUnroll === undefined) instances.set(gear, (byUnroll = new Map()));
  let instance = byUnroll.get(unroll);
  if (instance === undefined) {
    let module = compiled.get(unroll);
    if (module === undefined) {
      module = new wasm.Module(gearModuleBytes(unroll));
      compiled.set(unroll, module);
    }
    instance = new wasm.Instance(module, {});
    const memory = (instance.exports as { memory: { buffer: ArrayBuffer } }).memory;
    new Int32Array(memory.buffer).set(gear, 0);
    byUnroll.set(unroll, instance);
  }
  return instance;
}

type ScanFn = (p: number, end: number, h: number, mask: number) => number;

/**
 * The WebAssembly scanner. Scanners with the same gear table share one module instance (about
 * 1 MiB of memory): a scan is synchronous and the hash lives in the scanner object, so sharing
 * inside a thread is safe; each worker thread has its own instances.
 */
export class WasmGearScanner implements GearScanner {
  hash = 0;
  private readonly memory: Uint8Array;
  private readonly words: Int32Array;
  private readonly run: ScanFn;

  constructor(gear: Int32Array, unroll: number = DEFAULT_UNROLL) {
    const exports = instanceFor(gear, unroll).exports as {
      memory: { buffer: ArrayBuffer };
      scan: ScanFn;
    };
    this.memory = new Uint8Array(exports.memory.buffer);
    this.words = new Int32Array(exports.memory.buffer);
    this.run = exports.scan;
  }

  scan(data: Uint8Array, from: number, to: number, mask: number): number {
    for (let start = from; start < to; start += WINDOW) {
      const end = Math.min(to, start + WINDOW);
      this.memory.set(data.subarray(start, end), DATA_AT);
      const hit = this.run(DATA_AT, DATA_AT + end - start, this.hash, mask);
      this.hash = this.words[HASH_AT / 4] as number;
      if (hit >= 0) return start + hit - DATA_AT;
    }
    return -1;
  }
}

import type { Chunker } from "./chunker.js";
import {
  checkFastCdcParams,
  DEFAULT_FASTCDC_PARAMS,
  fastCdcMasks,
  type FastCdcParams,
} from "./fastcdc-params.js";
import { deriveGearTable } from "./gear-table.js";
import type { GearScanner } from "./gear-scanner.js";
import { WasmGearScanner } from "./gear-wasm.js";

/** Makes the inner-loop implementation for a gear table (JavaScript or WebAssembly). */
export type GearScannerFactory = (gear: Int32Array) => GearScanner;

/**
 * FastCDC content-defined chunker with normalized chunking (level 2) and a keyed gear table.
 *
 * A chunk never ends before `min` bytes (the hash is not even computed there, and starts from 0
 * at `min`), ends after the first byte where the top bits of the hash match the strict mask
 * between `min` and `avg`, or the loose mask between `avg` and `max`, and otherwise ends at
 * exactly `max`. The last chunk of a stream may be shorter than `min`.
 *
 * Streaming: all state (position inside the current chunk, rolling hash) survives between
 * `push` calls, so boundaries do not depend on how the input is split.
 *
 * The inner loop runs in WebAssembly by default (the fastest of the measured options,
 * docs/benchmarks.md); the JavaScript scanner gives identical boundaries.
 */
export class FastCdcChunker implements Chunker {
  readonly params: FastCdcParams;
  private readonly strict: number;
  private readonly loose: number;
  private readonly scanner: GearScanner;
  /** Absolute offset where the current chunk starts. */
  private chunkStart = 0;
  /** Bytes of the current chunk seen so far. */
  private chunkLength = 0;

  constructor(
    key: Uint8Array,
    params: FastCdcParams = DEFAULT_FASTCDC_PARAMS,
    scannerFactory: GearScannerFactory = (gear) => new WasmGearScanner(gear),
  ) {
    checkFastCdcParams(params);
    this.params = params;
    const masks = fastCdcMasks(params.avg);
    this.strict = masks.strict;
    this.loose = masks.loose;
    this.scanner = scannerFactory(deriveGearTable(key));
  }

  push(data: Uint8Array): number[] {
    const { min, avg, max } = this.params;
    const cuts: number[] = [];
    let pos = 0;
    while (pos < data.length) {
      const available = data.length - pos;
      if (this.chunkLength < min) {
        const skip = Math.min(min - this.chunkLength, available);
        this.chunkLength += skip;
        pos += skip;
        continue;
      }
      const beforeAvg = this.chunkLength < avg;
      const limit = beforeAvg ? avg : max;
      const n = Math.min(limit - this.chunkLength, available);
      const hit = this.scanner.scan(data, pos, pos + n, beforeAvg ? this.strict : this.loose);
      if (hit >= 0) {
        this.chunkLength += hit + 1 - pos;
        pos = hit + 1;
        cuts.push(this.cut());
      } else {
        this.chunkLength += n;
        pos += n;
        if (this.chunkLength === max) cuts.push(this.cut());
      }
    }
    return cuts;
  }

  finish(): number[] {
    const tail = this.chunkLength > 0 ? [this.chunkStart + this.chunkLength] : [];
    this.chunkStart = 0;
    this.chunkLength = 0;
    this.scanner.hash = 0;
    return tail;
  }

  private cut(): number {
    this.chunkStart += this.chunkLength;
    this.chunkLength = 0;
    this.scanner.hash = 0;
    return this.chunkStart;
  }
}

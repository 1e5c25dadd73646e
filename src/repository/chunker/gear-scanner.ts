/**
 * The inner loop of FastCDC: roll the gear hash `h = (h << 1) + gear[byte]` (32-bit) over a
 * range and stop at the first byte after which `(h & mask) === 0`. Two implementations exist
 * (plain JavaScript and WebAssembly); they must agree bit for bit, which the golden vectors
 * check on both.
 */
export interface GearScanner {
  /** The rolling hash, carried from one call to the next; the chunker resets it to 0. */
  hash: number;
  /**
   * Rolls the hash over `data[from, to)`. Returns the index of the first byte after which the
   * masked hash is zero (the hash then includes that byte), or -1 when none matched.
   */
  scan(data: Uint8Array, from: number, to: number, mask: number): number;
}

/** The JavaScript scanner: int32 arithmetic only, so V8 keeps everything in registers. */
export class JsGearScanner implements GearScanner {
  hash = 0;
  private readonly gear: Int32Array;

  constructor(gear: Int32Array) {
    this.gear = gear;
  }

  scan(data: Uint8Array, from: number, to: number, mask: number): number {
    const gear = this.gear;
    let h = this.hash | 0;
    let i = from;
    // Two bytes per iteration halves the loop-condition checks (FastCDC 2020's "roll two
    // bytes"); each byte is still tested, so cut points are the same as byte-by-byte.
    const pairsEnd = to - 1;
    for (; i < pairsEnd; i += 2) {
      h = ((h << 1) + (gear[data[i]!] as number)) | 0;
      if ((h & mask) === 0) {
        this.hash = h;
        return i;
      }
      h = ((h << 1) + (gear[data[i + 1]!] as number)) | 0;
      if ((h & mask) === 0) {
        this.hash = h;
        return i + 1;
      }
    }
    if (i < to) {
      h = ((h << 1) + (gear[data[i]!] as number)) | 0;
      if ((h & mask) === 0) {
        this.hash = h;
        return i;
      }
    }
    this.hash = h;
    return -1;
  }
}

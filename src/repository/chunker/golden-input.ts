/**
 * Deterministic test input for the chunker's golden vectors: a documented generator, so the
 * vectors can be re-derived in any language. Layout of `goldenInput()` (12 MiB):
 *   [0, 4 MiB)   xorshift32 bytes, seed 0x12345678 (little-endian words)
 *   [4, 7 MiB)   zeros (forces cuts at `max`)
 *   [7, 12 MiB)  "text": words from WORDS picked by the same xorshift32 stream, seed 0xC0FFEE
 */

export const WORDS = (
  "lifeboat restore backup region snapshot chunk pack index error disk " +
  "volume network subnet firewall instance the of and to in is 0 1 2 3 4 5 6 7 8 9\n"
).split(" ");

/** Marsaglia xorshift32 as a generator of uint32 values. */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

export function xorshiftBytes(length: number, seed: number): Uint8Array {
  const next = xorshift32(seed);
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  let i = 0;
  for (; i + 4 <= length; i += 4) view.setUint32(i, next(), true);
  if (i < length) {
    const last = next();
    for (let k = 0; i < length; k++) out[i++] = (last >>> (8 * k)) & 0xff;
  }
  return out;
}

export function wordBytes(length: number, seed: number): Uint8Array {
  const next = xorshift32(seed);
  const encoded = WORDS.map((w) => new TextEncoder().encode(w + " "));
  const out = new Uint8Array(length);
  let i = 0;
  while (i < length) {
    const word = encoded[next() % encoded.length]!;
    const n = Math.min(word.length, length - i);
    out.set(word.subarray(0, n), i);
    i += n;
  }
  return out;
}

const MiB = 1024 * 1024;

export function goldenInput(): Uint8Array {
  const out = new Uint8Array(12 * MiB);
  out.set(xorshiftBytes(4 * MiB, 0x12345678), 0);
  out.set(wordBytes(5 * MiB, 0xc0ffee), 7 * MiB);
  return out;
}

/** The golden chunker key: bytes 0, 1, 2, …, 31. */
export const GOLDEN_KEY = Uint8Array.from({ length: 32 }, (_, i) => i);

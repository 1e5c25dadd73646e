/**
 * The benchmark's input: a deterministic disk image, half pseudo-random bytes (AES-256-CTR
 * keystream under a fixed key: incompressible, like media or encrypted volumes, and generated
 * at several GB/s) and half text-like bytes (log lines from a seeded generator: compressible
 * about 4x, and unique line by line so there is no dedup within the image). Same size and seed,
 * same bytes, on any machine.
 */
import { createCipheriv, createHash } from "node:crypto";
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { xorshift32 } from "../src/repository/chunker/golden-input.js";

const BLOCK = 8 * 1024 * 1024;
const WORDS = (
  "the of and to in is was for on that with as by at from it be this are or an have not " +
  "backup restore region snapshot chunk pack index error warning disk volume network subnet " +
  "firewall instance balancer request response latency user session token cache miss hit " +
  "queue worker job started finished failed retry timeout connection database query rows " +
  "GET POST PUT DELETE /api/v1/orders /api/v1/users /health status=200 status=404 status=500"
).split(" ");

const encoder = new TextEncoder();
const WORD_BYTES = WORDS.map((w) => encoder.encode(w + " "));
const PREFIX = encoder.encode("2026-11-22 #");
const HEX = encoder.encode("0123456789abcdef");
const ID = encoder.encode(" id=");
const MS = encoder.encode("ms=");

/** Writes `value` in `base` with exactly `digits` digits at `line[at]`; returns the new end. */
function putNumber(line: Uint8Array, at: number, value: number, base: number, digits: number) {
  for (let d = digits - 1; d >= 0; d--) {
    line[at + d] = HEX[value % base]!;
    value = Math.floor(value / base);
  }
  return at + digits;
}

/**
 * Fills `out` with log-like lines (`2026-11-22 #<line> id=<hex> <5-14 words> ms=<n>`), byte by
 * byte: string building and TextEncoder per line would make a 512 MiB image take a minute.
 * `state` carries the line number and PRNG across blocks.
 */
function fillText(out: Uint8Array, state: { line: number; next: () => number }): void {
  const line = new Uint8Array(512);
  let i = 0;
  while (i < out.length) {
    line.set(PREFIX, 0);
    let n = putNumber(line, PREFIX.length, state.line++ % 1e9, 10, 9);
    line.set(ID, n);
    n = putNumber(line, n + 4, state.next(), 16, 8);
    line[n++] = 0x20;
    const count = 5 + (state.next() % 10);
    for (let w = 0; w < count; w++) {
      const word = WORD_BYTES[state.next() % WORD_BYTES.length]!;
      line.set(word, n);
      n += word.length;
    }
    line.set(MS, n);
    n = putNumber(line, n + 3, state.next() % 10000, 10, 4);
    line[n++] = 0x0a;
    const take = Math.min(n, out.length - i);
    out.set(line.subarray(0, take), i);
    i += take;
  }
}

/** Writes the image to `path`: `size` bytes, the first half random, the second text-like. */
export function generateImage(path: string, size: number, seed = 1): void {
  const key = createHash("sha256").update(`lifeboat bench ${seed}`).digest();
  const cipher = createCipheriv("aes-256-ctr", key, Buffer.alloc(16));
  const zeros = Buffer.alloc(BLOCK);
  const text = Buffer.alloc(BLOCK);
  const state = { line: 0, next: xorshift32(seed * 7919) };
  const half = Math.floor(size / 2);
  const fd = openSync(path, "w");
  try {
    for (let offset = 0; offset < size; offset += BLOCK) {
      const n = Math.min(BLOCK, size - offset);
      let block: Uint8Array;
      if (offset + n <= half) block = cipher.update(zeros.subarray(0, n));
      else {
        fillText(text.subarray(0, n), state);
        block = text.subarray(0, n);
        // A block straddling the middle keeps random bytes in front of the midpoint.
        if (offset < half) block.set(cipher.update(zeros.subarray(0, half - offset)), 0);
      }
      writeSync(fd, block, 0, n, offset);
    }
  } finally {
    closeSync(fd);
  }
}

/** A changed byte range of the image. */
export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/** The `count` distinct, sorted, 4 KiB-aligned 4 KiB ranges that {@link scatterWrites} changes. */
export function scatteredRanges(size: number, count = 100, seed = 2): ByteRange[] {
  const blockSize = 4096;
  const blocks = Math.floor(size / blockSize);
  const next = xorshift32(seed);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, blocks)) {
    chosen.add((next() * 0x10000 + (next() & 0xffff)) % blocks);
  }
  return [...chosen]
    .sort((a, b) => a - b)
    .map((block) => ({ offset: block * blockSize, length: blockSize }));
}

/**
 * Overwrites the {@link scatteredRanges} of the image with new pseudo-random bytes, as a
 * database or file system would. Returns the ranges, which a changed-block-tracking backup
 * would get from the block device.
 */
export function scatterWrites(path: string, size: number, count = 100, seed = 2): ByteRange[] {
  const ranges = scatteredRanges(size, count, seed);
  const next = xorshift32(seed + 1);
  const fd = openSync(path, "r+");
  try {
    for (const range of ranges) {
      const data = Buffer.alloc(range.length);
      for (let i = 0; i < range.length; i += 4) data.writeUInt32LE(next(), i);
      writeSync(fd, data, 0, range.length, range.offset);
    }
  } finally {
    closeSync(fd);
  }
  return ranges;
}

/** SHA-256 of a file, read in 8 MiB blocks (to check restores are byte-identical). */
export function sha256File(path: string): string {
  const hash = createHash("sha256");
  const buffer = Buffer.alloc(BLOCK);
  const fd = openSync(path, "r");
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, BLOCK, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

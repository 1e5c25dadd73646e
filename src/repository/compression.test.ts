import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { isLifeboatError } from "../model/errors.js";
import { compressBlob, decompressBlob } from "./compression.js";
import { wordBytes, xorshift32, xorshiftBytes } from "./chunker/golden-input.js";

const isCorrupt = (error: unknown) => isLifeboatError(error, "LB_REPO_PACK_CORRUPT");

test("text round-trips and shrinks", () => {
  for (const size of [1000, 4096, 1 << 20, (1 << 20) + 7]) {
    const plain = wordBytes(size, size);
    const packed = compressBlob(plain);
    assert.ok(packed !== null, `size ${size} compresses`);
    assert.ok(packed.length <= (plain.length * 7) / 8);
    assert.deepEqual(decompressBlob(packed, plain.length), plain);
  }
});

test("incompressible data gives null, also when only the sample is random", () => {
  assert.equal(compressBlob(randomBytes(1 << 20)), null);
  assert.equal(compressBlob(randomBytes(1000)), null);
  assert.equal(compressBlob(new Uint8Array(0)), null);
  const mostlyText = wordBytes(1 << 20, 1);
  mostlyText.set(randomBytes(64 * 1024), 0);
  assert.equal(compressBlob(mostlyText), null, "the 64 KiB pre-check decides");
});

test("a small blob that saves less than 1/8 is kept raw", () => {
  const plain = wordBytes(4096, 3);
  plain.set(xorshiftBytes(3800, 4), 0);
  assert.equal(compressBlob(plain), null);
});

test("results do not alias the internal scratch buffer", () => {
  const a = compressBlob(wordBytes(100_000, 1))!;
  const copy = Uint8Array.from(a);
  compressBlob(wordBytes(100_000, 2));
  assert.deepEqual(a, copy);
});

test("decompressing into a caller's buffer returns a view of it; a short one is not used", () => {
  const plain = wordBytes(200_000, 5);
  const packed = compressBlob(plain)!;
  const into = new Uint8Array(300_000);
  const out = decompressBlob(packed, plain.length, into);
  assert.equal(out.buffer, into.buffer);
  assert.deepEqual(out, plain);
  const short = new Uint8Array(1000);
  const fresh = decompressBlob(packed, plain.length, short);
  assert.notEqual(fresh.buffer, short.buffer);
  assert.deepEqual(fresh, plain);
});

test("corrupt or truncated input, or a wrong length, is LB_REPO_PACK_CORRUPT", () => {
  const plain = wordBytes(300_000, 9);
  const packed = compressBlob(plain)!;
  assert.throws(
    () => decompressBlob(packed.subarray(0, packed.length - 10), plain.length),
    isCorrupt,
  );
  assert.throws(() => decompressBlob(packed, plain.length - 1), isCorrupt);
  assert.throws(() => decompressBlob(packed, plain.length + 1), isCorrupt);
  assert.throws(() => decompressBlob(packed, -1), isCorrupt);
  assert.throws(() => decompressBlob(packed, 2 ** 40), isCorrupt);
  assert.throws(() => decompressBlob(new Uint8Array(0), 10), isCorrupt);
  const random = xorshift32(77);
  for (let round = 0; round < 200; round++) {
    const damaged = Uint8Array.from(packed);
    const at = random() % damaged.length;
    damaged[at] = damaged[at]! ^ (1 << (random() % 8));
    assert.throws(() => decompressBlob(damaged, plain.length), isCorrupt, `round ${round}`);
  }
  for (let round = 0; round < 50; round++) {
    assert.throws(() => decompressBlob(randomBytes(1 + (random() % 5000)), 1000), isCorrupt);
  }
  assert.deepEqual(decompressBlob(packed, plain.length), plain, "still works after errors");
});

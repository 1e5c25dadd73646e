import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { blobSealOverhead, Codec, type Compression } from "./codec.js";
import { MasterKey } from "./crypto/master-key.js";

/** A real compressor standing in for zstd, so the codec is tested without depending on it. */
const deflate: Compression = {
  compress: (plain) => deflateRawSync(plain),
  decompress: (data, rawLength) => {
    const out = inflateRawSync(data);
    if (out.length !== rawLength) throw new Error("length mismatch");
    return out;
  },
};

test("blobs round-trip raw and compressed; compression is skipped when it does not help", () => {
  const codec = new Codec(MasterKey.generate(), deflate);
  const text = Buffer.from("lifeboat ".repeat(1000));
  const packed = codec.encodeBlob(text);
  assert.equal(packed.compressed, true);
  assert.ok(packed.sealed.length < text.length / 10);
  assert.deepEqual(Buffer.from(codec.decodeBlob(packed.sealed, text.length, "b")), text);
  const noise = randomBytes(4096);
  const raw = codec.encodeBlob(noise);
  assert.equal(raw.compressed, false);
  assert.equal(raw.sealed.length, noise.length + 29);
  assert.deepEqual(Buffer.from(codec.decodeBlob(raw.sealed, noise.length, "b")), noise);
});

test("a blob sealed into a reused output buffer is a view of it and decodes like any other", () => {
  const codec = new Codec(MasterKey.generate(), deflate);
  const out = new Uint8Array(4096 + blobSealOverhead);
  const noise = randomBytes(4096);
  const raw = codec.encodeBlob(noise, out);
  assert.equal(raw.sealed.buffer, out.buffer);
  assert.equal(raw.sealed.length, out.length);
  assert.deepEqual(Buffer.from(codec.decodeBlob(raw.sealed, noise.length, "b")), noise);
  // The same buffer again, for a compressible blob: only its prefix is used.
  const text = Buffer.from("lifeboat ".repeat(400));
  const packed = codec.encodeBlob(text, out);
  assert.equal(packed.sealed.buffer, out.buffer);
  assert.ok(packed.sealed.length < 200);
  assert.deepEqual(Buffer.from(codec.decodeBlob(packed.sealed, text.length, "b")), text);
  // Too small a buffer is not written: the sealed bytes get their own.
  const small = new Uint8Array(10);
  assert.notEqual(codec.encodeBlob(noise, small).sealed.buffer, small.buffer);
  assert.deepEqual(small, new Uint8Array(10));
});

test("a flipped bit, a wrong key or a wrong length is LB_REPO_PACK_CORRUPT", () => {
  const key = MasterKey.generate();
  const codec = new Codec(key, deflate);
  const { sealed } = codec.encodeBlob(randomBytes(100));
  for (const at of [0, 20, sealed.length - 1]) {
    const bad = Buffer.from(sealed);
    bad[at]! ^= 1;
    assert.throws(() => codec.decodeBlob(bad, 100, "b"), { code: "LB_REPO_PACK_CORRUPT" });
  }
  assert.throws(() => new Codec(MasterKey.generate()).decodeBlob(sealed, 100, "b"), {
    code: "LB_REPO_PACK_CORRUPT",
  });
  assert.throws(() => codec.decodeBlob(sealed, 99, "b"), { code: "LB_REPO_PACK_CORRUPT" });
  assert.throws(() => codec.decodeBlob(sealed.subarray(0, 10), 100, "b"), {
    code: "LB_REPO_PACK_CORRUPT",
  });
});

test("objects round-trip, compressed with their size; one kind cannot pass as another", () => {
  const codec = new Codec(MasterKey.generate(), deflate);
  const json = Buffer.from(JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => i) }));
  const sealed = codec.encodeObject("snapshot", json);
  assert.ok(sealed.length < json.length);
  assert.deepEqual(
    Buffer.from(codec.decodeObject("snapshot", sealed, "LB_REPO_OBJECT_CORRUPT", "s")),
    json,
  );
  assert.throws(() => codec.decodeObject("index", sealed, "LB_REPO_INDEX_CORRUPT", "i"), {
    code: "LB_REPO_INDEX_CORRUPT",
  });
});

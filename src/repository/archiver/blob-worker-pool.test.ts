import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { zstdCompression } from "../blob-compression.js";
import { Codec } from "../codec.js";
import { MasterKey } from "../crypto/master-key.js";
import { wordBytes } from "../chunker/golden-input.js";
import { BlobWorkerPool } from "./blob-worker-pool.js";

const key = MasterKey.generate();
const pool = new BlobWorkerPool(key, 2);
after(() => pool.close());

test("workers compute the keyed id, seal, and open what they sealed", async () => {
  const text = wordBytes(256 * 1024, 9);
  const hashed = await pool.run(new Uint8Array(text), false);
  assert.deepEqual(hashed.id, key.blobId(text));
  const sealed = await pool.run(new Uint8Array(text), true);
  assert.equal(sealed.compressed, true);
  // The main thread's codec opens what a worker sealed: one format.
  const codec = new Codec(key, zstdCompression);
  assert.deepEqual(
    Buffer.from(codec.decodeBlob(sealed.sealed!, text.length, "t")),
    Buffer.from(text),
  );
  const opened = await pool.open(new Uint8Array(sealed.sealed!), text.length, hashed.id, "t");
  assert.deepEqual(Buffer.from(opened), Buffer.from(text));
});

test("a damaged or misfiled blob is an integrity error naming the pack", async () => {
  const text = wordBytes(4096, 10);
  const sealed = (await pool.run(new Uint8Array(text), true)).sealed!;
  const flipped = new Uint8Array(sealed);
  flipped[20]! ^= 1;
  await assert.rejects(pool.open(flipped, text.length, key.blobId(text), "data/ab/abcd"), {
    code: "LB_REPO_PACK_CORRUPT",
  });
  const wrongId = Buffer.alloc(32, 7);
  await assert.rejects(pool.open(new Uint8Array(sealed), text.length, wrongId, "data/ab/abcd"), {
    code: "LB_REPO_PACK_CORRUPT",
  });
  // A run whose second blob is misfiled: the first is written, then the damage rejects.
  const dir = await mkdtemp(join(tmpdir(), "lb-pool-"));
  const handle = await open(join(dir, "out"), "w+");
  try {
    const pieces = [{ fileOffset: 0, from: 0, length: text.length }];
    const two = () => new Uint8Array(Buffer.concat([sealed, sealed]));
    const blob = (offset: number, id: Uint8Array) => ({
      offset,
      length: sealed.length,
      rawLength: text.length,
      id,
      pieces,
    });
    await assert.rejects(
      pool.openWrite(
        two(),
        [blob(0, key.blobId(text)), blob(sealed.length, wrongId)],
        handle.fd,
        "data/ab/abcd",
      ),
      { code: "LB_REPO_PACK_CORRUPT" },
    );
    // A full run: each blob's pieces land at their file offsets, split around a hole.
    const split = [
      { fileOffset: 100, from: 0, length: 1000 },
      { fileOffset: 5000, from: 1000, length: text.length - 1000 },
    ];
    const written = await pool.openWrite(
      two(),
      [blob(0, key.blobId(text)), { ...blob(sealed.length, key.blobId(text)), pieces: split }],
      handle.fd,
      "data/ab/abcd",
    );
    assert.equal(written, 2 * text.length);
    const file = await readFile(join(dir, "out"));
    assert.deepEqual(file.subarray(100, 1100), Buffer.from(text.subarray(0, 1000)));
    assert.deepEqual(
      file.subarray(5000, 5000 + text.length - 1000),
      Buffer.from(text.subarray(1000)),
    );
  } finally {
    await handle.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a run's adjacent pieces, compressed and raw, land byte for byte through gathered writes", async () => {
  const blobs = [wordBytes(300_000, 12), randomBytes(200_000), wordBytes(100_000, 13)];
  const sealed = await Promise.all(blobs.map(async (b) => await pool.run(new Uint8Array(b), true)));
  assert.deepEqual(
    sealed.map((s) => s.compressed),
    [true, false, true],
  );
  const run = new Uint8Array(Buffer.concat(sealed.map((s) => s.sealed!)));
  // Blob 0 then blob 1 back to back, a hole, blob 2 split around another hole.
  let at = 0;
  const layout = blobs.map((plain, i) => {
    const offset = at;
    at += sealed[i]!.sealed!.length;
    return {
      offset,
      length: sealed[i]!.sealed!.length,
      rawLength: plain.length,
      id: key.blobId(plain),
    };
  });
  const hole = 4096;
  const pieces = [
    [{ fileOffset: 0, from: 0, length: blobs[0]!.length }],
    [{ fileOffset: blobs[0]!.length, from: 0, length: blobs[1]!.length }],
    [
      { fileOffset: 500_000 + hole, from: 0, length: 60_000 },
      { fileOffset: 560_000 + 2 * hole, from: 60_000, length: 40_000 },
    ],
  ];
  const dir = await mkdtemp(join(tmpdir(), "lb-pool-"));
  const handle = await open(join(dir, "out"), "w+");
  try {
    await handle.truncate(600_000 + 2 * hole);
    const written = await pool.openWrite(
      run,
      layout.map((b, i) => ({ ...b, pieces: pieces[i]! })),
      handle.fd,
      "data/ab/abcd",
    );
    assert.equal(written, 600_000);
    const expected = Buffer.alloc(600_000 + 2 * hole);
    Buffer.from(blobs[0]!).copy(expected, 0);
    Buffer.from(blobs[1]!).copy(expected, blobs[0]!.length);
    Buffer.from(blobs[2]!).copy(expected, 500_000 + hole, 0, 60_000);
    Buffer.from(blobs[2]!).copy(expected, 560_000 + 2 * hole, 60_000);
    assert.deepEqual(await readFile(join(dir, "out")), expected);
  } finally {
    await handle.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a failed write in a worker rejects with its system error", async () => {
  const text = wordBytes(4096, 11);
  const sealed = (await pool.run(new Uint8Array(text), true)).sealed!;
  const dir = await mkdtemp(join(tmpdir(), "lb-pool-"));
  const handle = await open(join(dir, "ro"), "w");
  await handle.close();
  const readOnly = await open(join(dir, "ro"), "r");
  try {
    const blobs = [
      {
        offset: 0,
        length: sealed.length,
        rawLength: text.length,
        id: key.blobId(text),
        pieces: [{ fileOffset: 0, from: 0, length: text.length }],
      },
    ];
    await assert.rejects(
      pool.openWrite(new Uint8Array(sealed), blobs, readOnly.fd, "data/ab/abcd"),
      {
        code: "EBADF",
      },
    );
  } finally {
    await readOnly.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a small job is hashed and sealed inline; workers start once the inline budget is spent", async () => {
  const codec = new Codec(key, zstdCompression);
  const small = new BlobWorkerPool(key, 2, { codec, bytes: 300_000 });
  try {
    const text = wordBytes(200_000, 14);
    const hashed = await small.run(new Uint8Array(text), false);
    assert.deepEqual(hashed.id, key.blobId(text));
    const sealed = await small.run(new Uint8Array(text.subarray(0, 100_000)), true);
    assert.equal(small.started, false);
    assert.equal(sealed.compressed, true);
    // What was sealed inline opens on a worker: one format on both paths.
    const opened = await pool.open(
      new Uint8Array(sealed.sealed!),
      100_000,
      key.blobId(text.subarray(0, 100_000)),
      "t",
    );
    assert.deepEqual(Buffer.from(opened), Buffer.from(text.subarray(0, 100_000)));
    // The budget is spent: the next job goes to the workers, and so does every later one.
    const more = await small.run(new Uint8Array(text.subarray(0, 1000)), true);
    assert.equal(small.started, true);
    assert.deepEqual(
      Buffer.from(codec.decodeBlob(more.sealed!, 1000, "t")),
      Buffer.from(text.subarray(0, 1000)),
    );
  } finally {
    await small.close();
  }
  await assert.rejects(small.run(new Uint8Array(10), false), { code: "LB_INTERNAL" });
});

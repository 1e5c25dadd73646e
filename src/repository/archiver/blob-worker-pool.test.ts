import * as assert from "node:assert/strict";
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
  const run = await pool.openRun(
    new Uint8Array(Buffer.concat([sealed, sealed])),
    [
      { offset: 0, length: sealed.length, rawLength: text.length, id: key.blobId(text) },
      {
        offset: sealed.length,
        length: sealed.length,
        rawLength: text.length,
        id: key.blobId(text),
      },
    ],
    "data/ab/abcd",
  );
  assert.equal(run.length, 2);
  assert.deepEqual(Buffer.from(run[1]!), Buffer.from(text));
});

import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, open, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BlobWorkerPool } from "../archiver/blob-worker-pool.js";
import { wordBytes } from "../chunker/golden-input.js";
import { MasterKey } from "../crypto/master-key.js";
import { openDirect } from "./direct-target.js";

const MiB = 1024 * 1024;
const key = MasterKey.generate();
const pool = new BlobWorkerPool(key, 2);
after(() => pool.close());

test("direct writes: aligned batches, unaligned pieces and an unaligned tail land byte for byte; holes stay holes", async () => {
  // A raw blob, a compressed one, and a compressed one whose pieces straddle holes unaligned.
  const blobs = [randomBytes(MiB), wordBytes(MiB, 21), wordBytes(300_001, 22)];
  const sealed = await Promise.all(blobs.map(async (b) => await pool.run(new Uint8Array(b), true)));
  const size = 8 * MiB + 300_001 - 100_000 + 777;
  const pieces = [
    [{ fileOffset: 0, from: 0, length: MiB }],
    [{ fileOffset: MiB, from: 0, length: MiB }],
    [
      { fileOffset: 5 * MiB + 100, from: 0, length: 100_000 },
      { fileOffset: 8 * MiB + 777, from: 100_000, length: 300_001 - 100_000 },
    ],
  ];
  const dir = await mkdtemp(join(tmpdir(), "lb-direct-"));
  const path = join(dir, "out");
  const handle = await open(path, "w");
  const direct = await openDirect(path);
  try {
    await handle.truncate(size);
    // The probe file is unlinked at once: nothing but the target is in the directory.
    assert.deepEqual(await readdir(dir), ["out"]);
    // Twice, in separate runs, so the second starts on the other scratch buffer.
    for (let round = 0; round < 2; round++) {
      let at = 0;
      const layout = blobs.map((plain, i) => {
        const offset = at;
        at += sealed[i]!.sealed!.length;
        const id = key.blobId(plain);
        return { offset, length: sealed[i]!.sealed!.length, rawLength: plain.length, id };
      });
      const run = new Uint8Array(Buffer.concat(sealed.map((s) => s.sealed!)));
      const fds = direct && { fd: direct.fd, probeFd: direct.probeFd };
      const written = await pool.openWrite(
        run,
        layout.map((b, i) => ({ ...b, pieces: pieces[i]! })),
        handle.fd,
        "data/ab/abcd",
        fds,
      );
      assert.equal(written, 2 * MiB + 300_001);
    }
  } finally {
    await direct?.close();
    await handle.close();
  }
  try {
    const expected = Buffer.alloc(size);
    Buffer.from(blobs[0]!).copy(expected, 0);
    Buffer.from(blobs[1]!).copy(expected, MiB);
    Buffer.from(blobs[2]!).copy(expected, 5 * MiB + 100, 0, 100_000);
    Buffer.from(blobs[2]!).copy(expected, 8 * MiB + 777, 100_000);
    assert.deepEqual(await readFile(path), expected);
    // The 3 MiB hole between 2 MiB and 5 MiB was not written.
    assert.ok((await stat(path)).blocks * 512 < 4 * MiB);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("openDirect declines a path it cannot open; the restore then writes through the page cache", async () => {
  assert.equal(await openDirect(join(tmpdir(), "lb-no-such-dir", "file")), undefined);
});

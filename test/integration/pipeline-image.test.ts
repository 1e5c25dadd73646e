import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, open, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { backup } from "../../src/repository/archiver/backup.js";
import { mergeRanges } from "../../src/repository/archiver/image-patch-plan.js";
import { checkRepository } from "../../src/repository/check.js";
import { xorshift32, xorshiftBytes, wordBytes } from "../../src/repository/chunker/golden-input.js";
import type { Repository } from "../../src/repository/repository.js";
import { ImageReader } from "../../src/repository/restorer/read-image.js";
import { restore } from "../../src/repository/restorer/restore.js";
import { fsPlace, initRepo, type BackendPlace } from "./repo-fixture.js";

const MiB = 1024 * 1024;
const imageSize = 256 * MiB;
let dir: string;
let image: string;
let place: BackendPlace;
let repo: Repository;
let full: string;

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** 256 MiB: random and text-like MiBs in a seeded order, plus zero regions. */
async function writeImage(path: string): Promise<void> {
  const handle = await open(path, "w");
  await handle.truncate(imageSize);
  const rnd = xorshift32(42);
  for (let i = 0; i < imageSize / MiB; i++) {
    const pick = rnd() % 8;
    if (pick === 0) continue; // a hole / zero chunk
    const data = pick < 5 ? xorshiftBytes(MiB, i + 1) : wordBytes(MiB, i + 1);
    await handle.write(data, 0, MiB, i * MiB);
  }
  await handle.close();
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-pipeline-image-"));
  image = join(dir, "disk.img");
  await writeImage(image);
  place = await fsPlace();
  repo = await initRepo(place, { packSize: 16 * MiB });
});

after(async () => {
  await repo.close();
  await place.dispose();
  await rm(dir, { recursive: true, force: true });
});

test("a 256 MiB image restores byte-identical; zero chunks store nothing", async () => {
  const result = await backup(repo, { source: image, kind: "image" });
  full = result.snapshot;
  assert.equal(result.kind, "image");
  assert.equal(result.size, imageSize);
  const zeroChunks = 256 - result.blobsStored - result.blobsReused;
  assert.ok(zeroChunks > 10, `zero chunks recognised (${zeroChunks})`);
  const out = join(dir, "restored.img");
  await restore(repo, { snapshot: full, target: out });
  assert.equal((await stat(out)).size, imageSize);
  assert.equal(await sha256(out), await sha256(image));
});

test("changed ranges: only the changed bytes are read and uploaded (as patches)", async () => {
  const handle = await open(image, "r+");
  const rnd = xorshift32(7);
  const changed: { offset: number; length: number }[] = [];
  for (let k = 0; k < 10; k++) {
    const offset = (rnd() % (imageSize / 4096)) * 4096;
    await handle.write(xorshiftBytes(4096, 1000 + k), 0, 4096, offset);
    changed.push({ offset, length: 4096 });
  }
  await handle.close();
  const packsBefore = (await repo.backend.list("data")).length;
  const incremental = await backup(repo, { source: image, kind: "image", changedRanges: changed });
  const changedBytes = mergeRanges(changed, imageSize).reduce((n, r) => n + r.length, 0);
  assert.equal(incremental.parent, full);
  assert.equal(incremental.bytesRead, changedBytes);
  assert.ok(incremental.blobsStored <= changed.length + 1); // plus the new root tree
  assert.ok(incremental.bytesUploaded <= changedBytes + 64 * 1024);
  assert.equal((await repo.backend.list("data")).length - packsBefore, incremental.packsWritten);
  assert.ok(incremental.packsWritten <= 2);
  const out = join(dir, "incremental.img");
  await restore(repo, { snapshot: incremental.snapshot, target: out });
  assert.equal(await sha256(out), await sha256(image));

  // Random access: any block of the snapshot equals the image's bytes there.
  const reader = await ImageReader.open(repo, await repo.loadSnapshot(incremental.snapshot));
  const bytes = await readFile(image);
  for (const { offset } of changed.slice(0, 3)) {
    const start = Math.max(0, offset - 5000);
    const got = await reader.read(start, 3 * MiB > imageSize - start ? imageSize - start : 3 * MiB);
    assert.deepEqual(Buffer.from(got), bytes.subarray(start, start + got.length));
  }
  // Without the list the whole image is re-read; only the patched chunks are new, now whole
  // (a chunk id is of the chunk's bytes, the incremental stored patches over the old ones).
  const reread = await backup(repo, { source: image, kind: "image" });
  const touched = new Set(changed.map((r) => Math.floor(r.offset / MiB)));
  assert.equal(reread.bytesRead, imageSize);
  assert.equal(reread.blobsStored, touched.size + 1); // plus the new root tree
  assert.equal((await checkRepository(repo, { readData: true })).ok, true);
});

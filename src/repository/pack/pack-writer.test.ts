import { strict as assert } from "node:assert";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { FsBackend } from "../backends/fs-backend.js";
import { Codec } from "../codec.js";
import { MasterKey } from "../crypto/master-key.js";
import { BlobType } from "./pack-entry.js";
import { readPackHeader } from "./pack-header.js";
import { PackWriter, type FlushedPack } from "./pack-writer.js";

let root: string;
let backend: FsBackend;
const codec = new Codec(MasterKey.generate());
before(async () => {
  root = await mkdtemp(join(tmpdir(), "lifeboat-pack-"));
  backend = new FsBackend(root);
});
after(() => rm(root, { recursive: true, force: true }));

async function writeBlobs(count: number, size: number, targetSize: number) {
  const flushed: FlushedPack[] = [];
  const writer = new PackWriter(backend, codec, { targetSize, onFlushed: (p) => flushed.push(p) });
  const blobs = Array.from({ length: count }, () => randomBytes(size));
  for (const blob of blobs) {
    const { sealed } = codec.encodeBlob(blob);
    await writer.add(BlobType.data, codec.key.blobId(blob), sealed, blob.length);
  }
  await writer.finish();
  return { flushed, blobs };
}

test("packs flush at the target size, are named by their hash, and their headers read back", async () => {
  const { flushed, blobs } = await writeBlobs(10, 1000, 3000);
  assert.deepEqual(flushed.map((p) => p.entries.length).sort(), [1, 3, 3, 3]);
  const byId = new Map(blobs.map((blob) => [codec.key.blobId(blob).toString("hex"), blob]));
  assert.equal(
    flushed.reduce((n, p) => n + p.entries.length, 0),
    10,
  );
  for (const pack of flushed) {
    const bytes = await backend.load("data", pack.packId);
    assert.equal(createHash("sha256").update(bytes).digest("hex"), pack.packId);
    const header = await readPackHeader(backend, codec, pack.packId, pack.size);
    assert.deepEqual(
      header,
      pack.entries.map((e) => ({ ...e, id: Buffer.from(e.id) })),
    );
    for (const entry of header) {
      const sealed = await backend.load("data", pack.packId, entry);
      const plain = Buffer.from(codec.decodeBlob(sealed, entry.rawLength, "blob"));
      assert.deepEqual(plain, byId.get(Buffer.from(entry.id).toString("hex")));
    }
  }
});

test("a blob larger than the pack buffer grows it; reused buffers hold each pack exactly", async () => {
  // 1 KiB packs: the 1.5 MiB blobs overshoot the buffer (target + 1 MiB), and later packs reuse
  // buffers of earlier, larger ones.
  const flushed: FlushedPack[] = [];
  const writer = new PackWriter(backend, codec, {
    targetSize: 1024,
    onFlushed: (p) => flushed.push(p),
  });
  const blobs = [1536 * 1024, 2000, 1536 * 1024, 2100, 3000].map((n) => randomBytes(n));
  for (const blob of blobs) {
    const { sealed } = codec.encodeBlob(blob);
    await writer.add(BlobType.data, codec.key.blobId(blob), sealed, blob.length);
  }
  await writer.finish();
  assert.equal(flushed.length, 5);
  // onFlushed runs in completion order: find each blob by its id.
  const byId = new Map(blobs.map((blob) => [codec.key.blobId(blob).toString("hex"), blob]));
  for (const pack of flushed) {
    const bytes = await backend.load("data", pack.packId);
    assert.equal(bytes.length, pack.size);
    assert.equal(createHash("sha256").update(bytes).digest("hex"), pack.packId);
    const [entry] = await readPackHeader(backend, codec, pack.packId, pack.size);
    const sealed = await backend.load("data", pack.packId, entry!);
    const plain = Buffer.from(codec.decodeBlob(sealed, entry!.rawLength, "blob"));
    assert.deepEqual(plain, byId.get(Buffer.from(entry!.id).toString("hex")));
  }
});

test("a header larger than the first tail read is fetched with a second read", async () => {
  const { flushed } = await writeBlobs(2000, 10, 1 << 30);
  assert.equal(flushed.length, 1);
  const pack = flushed[0]!;
  const header = await readPackHeader(backend, codec, pack.packId, pack.size);
  assert.equal(header.length, 2000);
});

test("a truncated pack or a damaged header is LB_REPO_PACK_CORRUPT naming the pack", async () => {
  const { flushed } = await writeBlobs(3, 500, 1 << 20);
  const pack = flushed[0]!;
  const bytes = Buffer.from(await backend.load("data", pack.packId));
  const save = async (data: Buffer) => {
    const name = createHash("sha256").update(data).digest("hex");
    await backend.save("data", name, data);
    return name;
  };
  for (const damaged of [
    bytes.subarray(0, bytes.length - 10),
    bytes.subarray(0, 20),
    Buffer.from(bytes),
  ]) {
    if (damaged.length === bytes.length) damaged[damaged.length - 20]! ^= 0x40;
    const name = await save(damaged);
    await assert.rejects(readPackHeader(backend, codec, name, damaged.length), (error: unknown) => {
      const e = error as { code: string; details: { object: string } };
      assert.equal(e.code, "LB_REPO_PACK_CORRUPT");
      assert.equal(e.details.object, `data/${name.slice(0, 2)}/${name}`);
      return true;
    });
  }
});

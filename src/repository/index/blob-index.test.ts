import { strict as assert } from "node:assert";
import { createCipheriv, createHash } from "node:crypto";
import { test } from "node:test";
import { BlobType } from "../pack/pack-entry.js";
import { BlobIndex } from "./blob-index.js";

// Deterministic pseudo-random ids: AES-CTR of zeros, 32 bytes per id.
const idStream = createCipheriv("aes-256-ctr", Buffer.alloc(32), Buffer.alloc(16)).update(
  Buffer.alloc(32 * 1_000_002),
);
const idOf = (n: number) => idStream.subarray(n * 32, n * 32 + 32);

test("1 M entries fit in the documented typed-array budget, under 64 MiB", () => {
  const index = new BlobIndex();
  const packs = Array.from({ length: 1000 }, (_, i) =>
    createHash("sha256").update(`pack ${i}`).digest("hex"),
  );
  for (let n = 0; n < 1_000_000; n++) {
    const added = index.add(packs[n % 1000]!, {
      type: BlobType.data,
      id: idOf(n),
      offset: n,
      length: 1000 + (n % 7),
      rawLength: 2000,
    });
    assert.ok(added);
  }
  assert.equal(index.size, 1_000_000);
  // 2^20 entries × (32 id + 4 pack/type + 4 offset + 4 length + 4 raw) + ⌈2^20 × 4/3⌉ slots × 4.
  assert.equal(index.tableBytes, 2 ** 20 * 48 + Math.ceil((2 ** 20 * 4) / 3) * 4);
  assert.equal(index.tableBytes, 55_924_056);
  assert.ok(index.tableBytes < 64 * 1024 * 1024);
  for (const n of [0, 1, 4242, 999_999]) {
    assert.deepEqual(index.get(idOf(n)), {
      packId: packs[n % 1000],
      type: BlobType.data,
      offset: n,
      length: 1000 + (n % 7),
      rawLength: 2000,
    });
  }
  assert.equal(index.get(idOf(1_000_001)), undefined);
});

test("the first location of an id wins; entries() returns what was added", () => {
  const index = new BlobIndex(4);
  const pack = "a".repeat(64);
  const other = "b".repeat(64);
  for (let n = 0; n < 100; n++) {
    index.add(pack, { type: BlobType.tree, id: idOf(n), offset: n * 10, length: 30, rawLength: 1 });
  }
  assert.equal(
    index.add(other, { type: BlobType.data, id: idOf(5), offset: 0, length: 30, rawLength: 1 }),
    false,
  );
  assert.equal(index.get(idOf(5))?.packId, pack);
  assert.equal(index.size, 100);
  const all = [...index.entries()];
  assert.equal(all.length, 100);
  assert.deepEqual(Buffer.from(all[7]!.entry.id), idOf(7));
  assert.equal(all[7]!.entry.offset, 70);
  assert.equal(all[7]!.entry.type, BlobType.tree);
  assert.equal(index.get(idOf(7))?.type, BlobType.tree);
  assert.deepEqual(index.packIds, [pack]);
  assert.ok(index.hasPack(pack) && !index.hasPack(other));
});

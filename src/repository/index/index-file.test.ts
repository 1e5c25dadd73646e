import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { BlobType } from "../pack/pack-entry.js";
import { decodeIndexFile, encodeIndexFile, type IndexedPack } from "./index-file.js";

test("index files round-trip packs and entries; damage is LB_REPO_INDEX_CORRUPT", () => {
  const packs: IndexedPack[] = Array.from({ length: 3 }, (_, p) => ({
    packId: randomBytes(32).toString("hex"),
    entries: Array.from({ length: p + 1 }, (_, i) => ({
      type: i % 2 === 0 ? BlobType.data : BlobType.tree,
      id: randomBytes(32),
      offset: i * 100,
      length: 90,
      rawLength: 61 + i,
    })),
  }));
  const bytes = encodeIndexFile(packs);
  assert.deepEqual(decodeIndexFile(bytes, "i"), packs);
  assert.throws(() => decodeIndexFile(bytes.subarray(0, bytes.length - 1), "i"), {
    code: "LB_REPO_INDEX_CORRUPT",
  });
  assert.throws(() => decodeIndexFile(Buffer.concat([bytes, Buffer.of(0)]), "i"), {
    code: "LB_REPO_INDEX_CORRUPT",
  });
  const huge = Buffer.from(bytes);
  huge.writeUInt32LE(0xffffffff, 5);
  assert.throws(() => decodeIndexFile(huge, "i"), { code: "LB_REPO_INDEX_CORRUPT" });
});

/**
 * Fuzzes every decoder that reads repository bytes (pack header, index file, key file,
 * snapshot JSON, tree JSON, sealed objects) with random and mutated inputs, for a fixed number
 * of iterations from a fixed seed. Each call must return or throw a LifeboatError — never a
 * TypeError, RangeError, BugError or a hang.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { LifeboatError } from "../model/errors.js";
import { Secret } from "../model/secret.js";
import { Codec } from "./codec.js";
import { createKeyFile, decodeKeyFile, unwrapKeyFile } from "./crypto/key-file.js";
import { MasterKey } from "./crypto/master-key.js";
import { decodeIndexFile, encodeIndexFile } from "./index/index-file.js";
import { parseJson } from "./json-object.js";
import { BlobType } from "./pack/pack-entry.js";
import { decodePackHeader, encodePackHeader, packTail, parsePack } from "./pack/pack-header.js";
import { snapshotSchema } from "./snapshot/snapshot.js";
import { decodeTree, encodeTree } from "./tree.js";
import { layoutOfNode } from "./archiver/image-layout.js";

const iterations = 3000;

/** xorshift32: the same inputs on every run, so a failure reproduces. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return { next, below: (n: number) => next() % Math.max(1, n) };
}

const interesting = [0, 1, 0x7f, 0x80, 0xff];

function mutate(input: Uint8Array, r: ReturnType<typeof rng>): Buffer {
  let out = Buffer.from(input);
  const rounds = 1 + r.below(4);
  for (let i = 0; i < rounds; i++) {
    const at = r.below(out.length + 1);
    switch (r.below(7)) {
      case 0:
        if (out.length) out[at % out.length]! ^= 1 << r.below(8);
        break;
      case 1:
        if (out.length) out[at % out.length] = interesting[r.below(interesting.length)]!;
        break;
      case 2:
        out = out.subarray(0, at);
        break;
      case 3:
        out = Buffer.concat([
          out.subarray(0, at),
          Buffer.from(Array.from({ length: r.below(64) }, () => r.below(256))),
          out.subarray(at),
        ]);
        break;
      case 4:
        // A huge count or length: decoders must check before they allocate or loop.
        if (out.length >= 4)
          out.writeUInt32LE(r.below(2) ? 0xffffffff : r.next(), Math.min(at, out.length - 4));
        break;
      case 5:
        out = Buffer.concat([out.subarray(at), out.subarray(0, at)]);
        break;
      default:
        out = Buffer.from(Array.from({ length: r.below(200) }, () => r.below(256)));
    }
  }
  return out;
}

function mustBeTyped(label: string, input: Uint8Array, body: () => unknown): void {
  try {
    body();
  } catch (error) {
    if (error instanceof LifeboatError) return;
    assert.fail(
      `${label}: ${String(error)} for input ${Buffer.from(input).toString("hex").slice(0, 200)}`,
    );
  }
}

function fuzz(
  label: string,
  seed: number,
  seeds: readonly Uint8Array[],
  decode: (input: Buffer) => unknown,
) {
  const r = rng(seed);
  for (let i = 0; i < iterations; i++) {
    const input = mutate(seeds[r.below(seeds.length)]!, r);
    mustBeTyped(label, input, () => decode(input));
  }
}

const entry = (i: number) => ({
  type: i % 2 ? BlobType.tree : BlobType.data,
  id: randomBytes(32),
  offset: i * 100,
  length: 100,
  rawLength: 71,
});

test("pack header decoder: only typed errors", () => {
  const seeds = [
    encodePackHeader([]),
    encodePackHeader([entry(0)]),
    encodePackHeader([0, 1, 2, 3].map(entry)),
  ];
  fuzz("pack header", 1, seeds, (input) => decodePackHeader(input, 1000, "pack"));
});

test("index file decoder: only typed errors", () => {
  const seeds = [
    encodeIndexFile([]),
    encodeIndexFile([{ packId: "ab".repeat(32), entries: [0, 1, 2].map(entry) }]),
    encodeIndexFile([
      { packId: "cd".repeat(32), entries: [entry(0)] },
      { packId: "ef".repeat(32), entries: [] },
    ]),
  ];
  fuzz("index file", 2, seeds, (input) => decodeIndexFile(input, "index"));
});

test("snapshot and tree JSON decoders: only typed errors", () => {
  const snapshot = Buffer.from(
    JSON.stringify({
      version: 1,
      time: "2026-01-01T00:00:00.000Z",
      host: "h",
      username: "u",
      tags: ["a"],
      kind: "image",
      source: "vol",
      size: 10,
      root: "ab".repeat(32),
      fields: { env: "shop" },
    }),
  );
  fuzz("snapshot", 3, [snapshot, Buffer.from("{}"), Buffer.from("[]")], (input) =>
    parseJson(snapshotSchema, input, "LB_REPO_OBJECT_CORRUPT", "snapshot"),
  );
  const tree = encodeTree([
    { name: "a", type: "file", size: 3, content: ["cd".repeat(32)], sparse: [[0, 4096]] },
    { name: "d", type: "dir", subtree: "ef".repeat(32), mode: 0o755 },
  ]);
  fuzz("tree", 4, [tree], (input) => decodeTree(input, "tree"));
  const image = encodeTree([
    {
      name: "disk",
      type: "file",
      size: 3 * 65536 + 10,
      chunkSize: 65536,
      content: ["cd".repeat(32), "ab".repeat(32)],
      sparse: [[65536, 65536]],
      patches: [
        [100, 20, "ef".repeat(32)],
        [65540, 4, "12".repeat(32)],
      ],
    },
  ]);
  fuzz("image tree", 5, [image], (input) => {
    for (const node of decodeTree(input, "tree")) layoutOfNode(node, "tree");
  });
});

test("key file decoder and sealed-object decoders: only typed errors", async () => {
  const key = MasterKey.generate();
  const keyFile = await createKeyFile(key, new Secret("pw"), { N: 16, r: 1, p: 1 });
  fuzz("key file", 5, [keyFile], (input) => decodeKeyFile(input));
  // Mutated salt and data with the cheap parameters kept: unwrap must fail typed or return.
  const parsed = decodeKeyFile(keyFile);
  const r = rng(6);
  for (let i = 0; i < 200; i++) {
    const data = mutate(Buffer.from(parsed.data, "base64"), r).toString("base64");
    try {
      const opened = await unwrapKeyFile({ ...parsed, data }, new Secret("pw"));
      assert.ok(opened === undefined || opened.bytes().equals(key.bytes()));
    } catch (error) {
      assert.ok(error instanceof LifeboatError, String(error));
    }
  }
  const codec = new Codec(key);
  const sealed = [
    codec.encodeObject("index", encodeIndexFile([])),
    codec.encodeBlob(randomBytes(50)).sealed,
  ];
  fuzz("sealed object", 7, sealed, (input) =>
    codec.decodeObject("index", input, "LB_REPO_INDEX_CORRUPT", "i"),
  );
  fuzz("sealed blob", 8, sealed, (input) => codec.decodeBlob(input, 50, "b"));
});

test("whole-pack parser (tail length, sealed header): only typed errors", () => {
  const codec = new Codec(MasterKey.generate());
  const blobs = [0, 1, 2].map(() => codec.encodeBlob(randomBytes(40)).sealed);
  let offset = 0;
  const entries = blobs.map((sealed) => {
    const entry = {
      type: BlobType.data,
      id: randomBytes(32),
      offset,
      length: sealed.length,
      rawLength: 40,
    };
    offset += sealed.length;
    return entry;
  });
  const pack = Buffer.concat([...blobs, packTail(codec, entries)]);
  assert.equal(parsePack(codec, pack, "ab".repeat(32)).length, 3);
  fuzz("pack", 9, [pack, packTail(codec, [])], (input) => parsePack(codec, input, "ab".repeat(32)));
});

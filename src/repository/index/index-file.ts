import { createHash } from "node:crypto";
import { LifeboatError } from "../../model/errors.js";
import type { Backend } from "../backend.js";
import type { Codec } from "../codec.js";
import { entrySize, readEntry, writeEntry, type PackEntry } from "../pack/pack-entry.js";

/** The blobs of one pack, as listed in an index file. */
export interface IndexedPack {
  readonly packId: string;
  readonly entries: readonly PackEntry[];
}

const magic = Buffer.from("LBIX");
const version = 1;

/** Binary plaintext of an index file (docs/repository-format.md, "Index files"). */
export function encodeIndexFile(packs: readonly IndexedPack[]): Buffer {
  let size = magic.length + 1 + 4;
  for (const pack of packs) size += 32 + 4 + pack.entries.length * entrySize;
  const out = Buffer.alloc(size);
  magic.copy(out, 0);
  out[4] = version;
  out.writeUInt32LE(packs.length, 5);
  let at = 9;
  for (const pack of packs) {
    at += out.write(pack.packId, at, "hex");
    out.writeUInt32LE(pack.entries.length, at);
    at += 4;
    for (const entry of pack.entries) at = writeEntry(out, at, entry);
  }
  return out;
}

/**
 * Walks an index file's plaintext without building objects: `visit` gets each entry's pack id
 * and the offset of the entry in `buf` (its type byte, already checked). The whole file is
 * validated first, so nothing is visited from a malformed file: `LB_REPO_INDEX_CORRUPT`.
 */
export function visitIndexFile(
  plain: Uint8Array,
  what: string,
  visit: (packId: string, buf: Buffer, at: number) => void,
): void {
  const buf = Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
  const fail = (why: string) =>
    new LifeboatError("LB_REPO_INDEX_CORRUPT", `${what}: ${why}`, { details: { object: what } });
  if (buf.length < 9 || !buf.subarray(0, 4).equals(magic)) throw fail("no LBIX magic");
  if (buf[4] !== version) {
    throw new LifeboatError("LB_REPO_FORMAT_UNSUPPORTED", `${what}: index version ${buf[4]}`);
  }
  const packCount = buf.readUInt32LE(5);
  // Counts are checked against the bytes left before anything is allocated from them.
  if (packCount * 36 > buf.length - 9) throw fail("pack count exceeds the file");
  const walk = (emit: boolean) => {
    let at = 9;
    for (let p = 0; p < packCount; p++) {
      if (at + 36 > buf.length) throw fail("truncated pack record");
      const packId = emit ? buf.toString("hex", at, at + 32) : "";
      const count = buf.readUInt32LE(at + 32);
      at += 36;
      if (count * entrySize > buf.length - at) throw fail("blob count exceeds the file");
      for (let i = 0; i < count; i++, at += entrySize) {
        if (emit) visit(packId, buf, at);
        else readEntry(buf, at, "LB_REPO_INDEX_CORRUPT", what);
      }
    }
    if (at !== buf.length) throw fail("trailing bytes");
  };
  walk(false);
  walk(true);
}

/** Parses an index file's plaintext; anything malformed is `LB_REPO_INDEX_CORRUPT`. */
export function decodeIndexFile(plain: Uint8Array, what: string): IndexedPack[] {
  const packs: { packId: string; entries: PackEntry[] }[] = [];
  visitIndexFile(plain, what, (packId, buf, at) => {
    if (packs.at(-1)?.packId !== packId) packs.push({ packId, entries: [] });
    packs.at(-1)!.entries.push(readEntry(buf, at, "LB_REPO_INDEX_CORRUPT", what));
  });
  return packs;
}

/** Seals and saves an index file; resolves its name (the SHA-256 of the stored bytes). */
export async function saveIndexFile(
  backend: Backend,
  codec: Codec,
  packs: readonly IndexedPack[],
): Promise<string> {
  const sealed = codec.encodeObject("index", encodeIndexFile(packs));
  const name = createHash("sha256").update(sealed).digest("hex");
  await backend.save("index", name, sealed);
  return name;
}

/** Loads and decrypts an index file: its plaintext, for {@link visitIndexFile}. */
export async function loadIndexPlain(
  backend: Backend,
  codec: Codec,
  name: string,
): Promise<Uint8Array> {
  const sealed = await backend.load("index", name);
  return codec.decodeObject("index", sealed, "LB_REPO_INDEX_CORRUPT", `index/${name}`);
}

export async function loadIndexFile(
  backend: Backend,
  codec: Codec,
  name: string,
): Promise<IndexedPack[]> {
  const what = `index/${name}`;
  const sealed = await backend.load("index", name);
  return decodeIndexFile(codec.decodeObject("index", sealed, "LB_REPO_INDEX_CORRUPT", what), what);
}

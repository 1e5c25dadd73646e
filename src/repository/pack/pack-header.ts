import { LifeboatError } from "../../model/errors.js";
import type { Backend } from "../backend.js";
import type { Codec } from "../codec.js";
import { sealOverhead } from "../crypto/aead.js";
import { entrySize, readEntry, writeEntry, type PackEntry } from "./pack-entry.js";

const magic = Buffer.from("LBPH");
const version = 1;
const prefix = magic.length + 1 + 4;
/** Blob overhead: the encoding byte plus nonce and tag. */
export const minBlobLength = sealOverhead + 1;

export function encodePackHeader(entries: readonly PackEntry[]): Buffer {
  const out = Buffer.alloc(prefix + entries.length * entrySize);
  magic.copy(out, 0);
  out[4] = version;
  out.writeUInt32LE(entries.length, 5);
  let at = prefix;
  for (const entry of entries) at = writeEntry(out, at, entry);
  return out;
}

/**
 * Parses a decrypted pack header and checks it against the pack: blobs in order, inside the
 * blob area (`[0, blobAreaEnd)`), not overlapping. Any violation is `LB_REPO_PACK_CORRUPT`.
 */
export function decodePackHeader(
  plain: Uint8Array,
  blobAreaEnd: number,
  what: string,
): PackEntry[] {
  const buf = Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
  const fail = (why: string) =>
    new LifeboatError("LB_REPO_PACK_CORRUPT", `${what}: header ${why}`, {
      details: { object: what },
    });
  if (buf.length < prefix || !buf.subarray(0, 4).equals(magic)) throw fail("has no LBPH magic");
  if (buf[4] !== version) {
    throw new LifeboatError("LB_REPO_FORMAT_UNSUPPORTED", `${what}: pack header version ${buf[4]}`);
  }
  const count = buf.readUInt32LE(5);
  if (buf.length !== prefix + count * entrySize) throw fail("length does not match its count");
  const entries: PackEntry[] = [];
  let end = 0;
  for (let i = 0; i < count; i++) {
    const entry = readEntry(buf, prefix + i * entrySize, "LB_REPO_PACK_CORRUPT", what);
    if (entry.offset < end) throw fail(`entry ${i} overlaps the previous blob`);
    if (entry.length < minBlobLength) throw fail(`entry ${i} is shorter than a sealed blob`);
    end = entry.offset + entry.length;
    if (end > blobAreaEnd) throw fail(`entry ${i} runs past the blob area`);
    entries.push(entry);
  }
  return entries;
}

/** Assembles the tail of a pack: sealed header and its length. */
export function packTail(codec: Codec, entries: readonly PackEntry[]): Buffer {
  const sealed = codec.encodeObject("pack-header", encodePackHeader(entries));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(sealed.length);
  return Buffer.concat([sealed, length]);
}

/** How much of a pack's tail to fetch first; most headers fit, so one request usually does. */
const tailGuess = 64 * 1024;

/**
 * Reads and verifies a pack's header with ranged reads (one if the header fits in 64 KiB).
 * A pack shorter than its header claims, or one whose header fails authentication, is
 * `LB_REPO_PACK_CORRUPT` naming `data/<id>`.
 */
export async function readPackHeader(
  backend: Backend,
  codec: Codec,
  packId: string,
  size: number,
): Promise<PackEntry[]> {
  const what = `data/${packId.slice(0, 2)}/${packId}`;
  const fail = (why: string) =>
    new LifeboatError("LB_REPO_PACK_CORRUPT", `${what}: ${why}`, {
      details: { object: what, pack: packId },
    });
  if (size < 4 + sealOverhead) throw fail(`only ${size} bytes, too short for a pack`);
  const first = Math.min(size, tailGuess);
  let tail = await backend.load("data", packId, { offset: size - first, length: first });
  if (tail.length !== first) throw fail("is shorter than its listed size");
  const headerLength = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength).readUInt32LE(
    first - 4,
  );
  if (headerLength + 4 > size || headerLength < sealOverhead) {
    throw fail(`header length ${headerLength} does not fit a ${size}-byte pack`);
  }
  if (headerLength + 4 > first) {
    tail = await backend.load("data", packId, {
      offset: size - 4 - headerLength,
      length: headerLength + 4,
    });
    if (tail.length !== headerLength + 4) throw fail("is shorter than its listed size");
  }
  const sealed = tail.subarray(tail.length - 4 - headerLength, tail.length - 4);
  const plain = codec.decodeObject("pack-header", sealed, "LB_REPO_PACK_CORRUPT", what);
  return decodePackHeader(plain, size - 4 - headerLength, what);
}

/** Parses the header of a whole pack held in memory (check --read-data); same rules as above. */
export function parsePack(codec: Codec, bytes: Uint8Array, packId: string): PackEntry[] {
  const what = `data/${packId.slice(0, 2)}/${packId}`;
  const fail = (why: string) =>
    new LifeboatError("LB_REPO_PACK_CORRUPT", `${what}: ${why}`, { details: { object: what } });
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 4 + sealOverhead) throw fail(`only ${buf.length} bytes, too short for a pack`);
  const headerLength = buf.readUInt32LE(buf.length - 4);
  if (headerLength + 4 > buf.length || headerLength < sealOverhead) {
    throw fail(`header length ${headerLength} does not fit a ${buf.length}-byte pack`);
  }
  const start = buf.length - 4 - headerLength;
  const plain = codec.decodeObject(
    "pack-header",
    buf.subarray(start, buf.length - 4),
    "LB_REPO_PACK_CORRUPT",
    what,
  );
  return decodePackHeader(plain, start, what);
}

import { LifeboatError, type ErrorCode } from "../../model/errors.js";

/** Blob types (docs/repository-format.md, "Blobs"). */
export const BlobType = { data: 0, tree: 1 } as const;
export type BlobType = (typeof BlobType)[keyof typeof BlobType];

/** Where one blob lives inside a pack. */
export interface PackEntry {
  readonly type: BlobType;
  /** 32-byte blob id. */
  readonly id: Uint8Array;
  readonly offset: number;
  /** Stored (encrypted) bytes. */
  readonly length: number;
  /** Plaintext bytes. */
  readonly rawLength: number;
}

/** type (1) ‖ id (32) ‖ offset ‖ length ‖ raw length (uint32 LE each). */
export const entrySize = 45;

export function writeEntry(out: Buffer, at: number, entry: PackEntry): number {
  out[at] = entry.type;
  out.set(entry.id, at + 1);
  out.writeUInt32LE(entry.offset, at + 33);
  out.writeUInt32LE(entry.length, at + 37);
  out.writeUInt32LE(entry.rawLength, at + 41);
  return at + entrySize;
}

/** Reads one entry; a bad type is `code` (the decoders' callers name the object). */
export function readEntry(buf: Buffer, at: number, code: ErrorCode, what: string): PackEntry {
  const type = buf[at];
  if (type !== BlobType.data && type !== BlobType.tree) {
    throw new LifeboatError(code, `${what} has an entry of unknown type ${type}`, {
      details: { object: what },
    });
  }
  return {
    type,
    id: buf.subarray(at + 1, at + 33),
    offset: buf.readUInt32LE(at + 33),
    length: buf.readUInt32LE(at + 37),
    rawLength: buf.readUInt32LE(at + 41),
  };
}

import { crc32 } from "node:zlib";
import { open, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { LifeboatError } from "../../model/errors.js";

/** Where a reader stopped: the segment and the byte offset of the next record. */
export interface JournalPosition {
  readonly session: string;
  readonly seq: number;
  /** Byte offset in the segment; 0 means "its first record" (after the header). */
  readonly offset: number;
}

/** One journaled write. */
export interface JournalRecord {
  readonly offset: number;
  readonly data: Uint8Array;
  /** Nanoseconds since the Unix epoch. */
  readonly atNs: bigint;
  /** The record as journaled (header and data), kept so a stored copy keeps its CRC. */
  readonly raw: Uint8Array;
}

export const SEGMENT_HEADER_BYTES = 32;
const RECORD_HEADER_BYTES = 32;
const RECORD_MAGIC = "LBJR";

/** The session the pass-through is writing (its `session` file); null when there is none. */
export async function currentSession(dir: string): Promise<string | null> {
  const text = await readFile(join(dir, "session"), "utf8").catch(() => null);
  return text === null || !/^[0-9a-f]{16}$/.test(text.trim()) ? null : text.trim();
}

/** Sequence numbers of a session's segments, ascending. */
export async function sessionSegments(dir: string, session: string): Promise<number[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const pattern = new RegExp(`^${session}-(\\d{8})\\.lbj$`);
  return names
    .map((name) => pattern.exec(name)?.[1])
    .filter((seq): seq is string => seq !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

export const segmentPath = (dir: string, session: string, seq: number): string =>
  join(dir, `${session}-${String(seq).padStart(8, "0")}.lbj`);

const corrupt = (path: string, offset: number, why: string): LifeboatError =>
  new LifeboatError("LB_JOURNAL_CORRUPT", `${path} at byte ${offset}: ${why}`, {
    details: { path, offset },
  });

export interface ReadResult {
  readonly records: JournalRecord[];
  /** The position after the last record returned (where the next read starts). */
  readonly next: JournalPosition;
  readonly bytesRead: number;
}

/**
 * Reads a session's records from `from` up to and including `cutNs`, in write order. A record
 * whose checksum or magic is wrong is `LB_JOURNAL_CORRUPT` (never applied); an incomplete record
 * at the end of the newest segment is a write in progress and ends the read. A segment missing
 * between `from` and the newest one is a gap: `LB_JOURNAL_CORRUPT` too.
 */
export async function readJournal(
  dir: string,
  from: JournalPosition,
  cutNs: bigint,
): Promise<ReadResult> {
  const seqs = (await sessionSegments(dir, from.session)).filter((s) => s >= from.seq);
  const records: JournalRecord[] = [];
  let next = from;
  let bytesRead = 0;
  for (const [i, seq] of seqs.entries()) {
    if (seq !== from.seq + i) throw corrupt(dir, 0, `segment ${from.seq + i} is missing`);
    const path = segmentPath(dir, from.session, seq);
    const start = seq === from.seq && from.offset > 0 ? from.offset : 0;
    const bytes = await readFrom(path, start);
    bytesRead += bytes.length;
    if (start === 0 && bytes.subarray(0, 8).toString("latin1") !== "LBJSEG01") {
      throw corrupt(path, 0, "not a journal segment");
    }
    // `at` is relative to `start` in `bytes`; positions and messages use file offsets.
    let at = start === 0 ? SEGMENT_HEADER_BYTES : 0;
    const newest = i === seqs.length - 1;
    for (;;) {
      next = { session: from.session, seq, offset: start + at };
      const parsed = recordAt(bytes, at, path, start);
      if (parsed === null) {
        if (at < bytes.length && !newest) throw corrupt(path, start + at, "truncated record");
        break;
      }
      if (parsed.record.atNs > cutNs) return { records, next, bytesRead };
      records.push(parsed.record);
      at = parsed.end;
    }
  }
  return { records, next, bytesRead };
}

/**
 * The record at `at` in `bytes` and where the next one starts; null when the bytes end before
 * the record does (a write in progress, or a truncation the caller judges). A wrong magic or
 * checksum is `LB_JOURNAL_CORRUPT`. `base` is the file offset of `bytes[0]`, for messages.
 */
export function recordAt(
  bytes: Buffer,
  at: number,
  path: string,
  base = 0,
): { record: JournalRecord; end: number } | null {
  if (at + RECORD_HEADER_BYTES > bytes.length) return null;
  const header = bytes.subarray(at, at + RECORD_HEADER_BYTES);
  if (header.subarray(0, 4).toString("latin1") !== RECORD_MAGIC) {
    throw corrupt(path, base + at, "bad record magic");
  }
  const end = at + RECORD_HEADER_BYTES + header.readUInt32LE(4);
  if (end > bytes.length) return null;
  const data = bytes.subarray(at + RECORD_HEADER_BYTES, end);
  if (crc32(data, crc32(header.subarray(0, 24))) >>> 0 !== header.readUInt32LE(24)) {
    throw corrupt(path, base + at, "checksum mismatch");
  }
  const record = {
    offset: Number(header.readBigUInt64LE(8)),
    data,
    atNs: header.readBigUInt64LE(16),
    raw: bytes.subarray(at, end),
  };
  return { record, end };
}

async function readFrom(path: string, start: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - start));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Whether segment `position.seq` of the session still exists (it is the first one needed). */
export async function positionAvailable(dir: string, position: JournalPosition): Promise<boolean> {
  const handle = await open(segmentPath(dir, position.session, position.seq), "r").catch(
    () => null,
  );
  await handle?.close();
  return handle !== null;
}

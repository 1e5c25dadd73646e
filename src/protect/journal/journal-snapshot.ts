import { z } from "zod";
import { LifeboatError } from "../../model/errors.js";
import { BlobType } from "../../repository/pack/pack-entry.js";
import type { Repository } from "../../repository/repository.js";
import { BlobReader } from "../../repository/restorer/blob-reader.js";
import type { StoredSnapshot } from "../../repository/snapshot/snapshot.js";
import { snapshotBytes } from "../pg/snapshot-bytes.js";
import { recordAt, type JournalRecord } from "./journal-reader.js";

/** Tag of the snapshots that keep a cycle's journal records (docs/protect.md, "Between points"). */
export const JOURNAL_TAG = "lifeboat:journal";
/** Tag of a resynchronisation's fuzzy image: stored as a base, exact at no instant. */
export const RESYNC_TAG = "lifeboat:resync";

/** Journal chunks: large enough that a 4 KiB record costs no index entry of its own. */
const JOURNAL_CHUNK = 1024 * 1024;

const fieldsSchema = z.object({
  follows: z.string().regex(/^[0-9a-f]{64}$/),
  journal: z.object({ records: z.number().int().min(0), from: z.iso.datetime() }),
});

export interface StoredJournal {
  readonly snapshot: string;
  /** Bytes of records kept (headers and data): the cost of restoring between points. */
  readonly bytes: number;
}

/**
 * Keeps the records of one journal cycle in the repository as a `stream` snapshot: the records
 * byte for byte as journaled (each with its CRC-32), in write order. `base` is the point image
 * they replay onto; the snapshot names it in `fields.follows`, so `repo forget` keeps the
 * journal exactly as long as that image. Its time is the cut (`at`): the last instant it covers.
 */
export async function storeJournal(
  repo: Repository,
  input: {
    readonly volume: string;
    readonly environment: string;
    readonly base: { readonly snapshotId: string; readonly at: Date };
    readonly at: Date;
    readonly records: readonly JournalRecord[];
  },
): Promise<StoredJournal> {
  const session = await repo.startWrite(`protect journal ${input.volume}`);
  try {
    const all = Buffer.concat(input.records.map((r) => r.raw));
    const bytes = all.length;
    const content: string[] = [];
    for (let at = 0; at < bytes; at += JOURNAL_CHUNK) {
      const chunk = all.subarray(at, Math.min(bytes, at + JOURNAL_CHUNK));
      content.push((await session.saveBlob(BlobType.data, chunk)).id.toString("hex"));
    }
    const name = `${input.volume}.lbj`;
    const root = await session.saveTree([{ name, type: "file", size: bytes, content }]);
    const snapshot = await session.commit({
      kind: "stream",
      source: input.volume,
      root,
      size: bytes,
      time: input.at,
      tags: [JOURNAL_TAG, `lifeboat:environment=${input.environment}`],
      fields: {
        follows: input.base.snapshotId,
        journal: { records: input.records.length, from: input.base.at.toISOString() },
      },
    });
    return { snapshot, bytes };
  } catch (error) {
    await session.abort().catch(() => undefined);
    throw error;
  }
}

/** The stored journal that replays onto image snapshot `imageId` (the newest if several). */
export function journalAfter(
  snapshots: readonly StoredSnapshot[],
  imageId: string,
): StoredSnapshot | undefined {
  return snapshots
    .filter((s) => s.tags.includes(JOURNAL_TAG) && fieldsSchema.safeParse(s.fields).success)
    .filter((s) => s.fields.follows === imageId)
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
    .at(-1);
}

/**
 * A stored journal's records stamped at or before `cutNs`, every one checked (magic, CRC-32)
 * before any is returned: a corrupt or truncated record is `LB_JOURNAL_CORRUPT`, and the
 * caller applies nothing.
 */
export async function storedRecords(
  repo: Repository,
  journal: StoredSnapshot,
  cutNs: bigint,
): Promise<JournalRecord[]> {
  const reader = await BlobReader.open(repo);
  const parts: Uint8Array[] = [];
  for await (const part of snapshotBytes(reader, journal)) parts.push(part);
  const bytes = Buffer.concat(parts);
  const where = `journal snapshot ${journal.id}`;
  const records: JournalRecord[] = [];
  for (let at = 0; at < bytes.length;) {
    const parsed = recordAt(bytes, at, where);
    if (parsed === null) {
      throw new LifeboatError("LB_JOURNAL_CORRUPT", `${where} at byte ${at}: truncated record`, {
        details: { snapshot: journal.id, offset: at },
      });
    }
    if (parsed.record.atNs <= cutNs) records.push(parsed.record);
    at = parsed.end;
  }
  return records;
}

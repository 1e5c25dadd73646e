import { open } from "node:fs/promises";
import { LifeboatError } from "../../model/errors.js";
import {
  restore,
  type RestoreResult,
  type TransferCounters,
} from "../../repository/archiver/api.js";
import type { Repository } from "../../repository/repository.js";
import { filterSnapshots, selectAt } from "../../repository/snapshot/select-snapshot.js";
import { JOURNAL_TAG, RESYNC_TAG, journalAfter, storedRecords } from "./journal-snapshot.js";
import { cutNanos } from "./journal-source.js";

export interface RestoreAtRequest {
  readonly at: Date;
  readonly target: string;
  /** Only snapshots of this source (a volume id); default any. */
  readonly source?: string;
  readonly counters?: TransferCounters;
}

/** What a journal replay added on top of the restored image. */
export interface JournalReplay {
  readonly journal: string;
  readonly records: number;
  readonly bytes: number;
}

export interface RestoreAtResult extends RestoreResult {
  /** The instant the target now holds: `at` when a stored journal covers it. */
  readonly stateAt: string;
  readonly replay: JournalReplay | null;
}

/**
 * `restore latest --at T` (docs/protect.md, "Between points"): the newest snapshot taken at or
 * before T (never a stored journal or a resynchronisation's fuzzy image), then — when a stored
 * journal replays onto it — that journal's records stamped at or before T, in write order. The
 * records are all read and checked (CRC-32) before the target is touched: a corrupt record is
 * `LB_JOURNAL_CORRUPT` and nothing is written.
 */
export async function restoreAt(
  repo: Repository,
  request: RestoreAtRequest,
): Promise<RestoreAtResult> {
  const all = await repo.listSnapshots();
  const candidates = filterSnapshots(
    all,
    request.source === undefined ? {} : { source: request.source },
  ).filter((s) => !s.tags.includes(JOURNAL_TAG) && !s.tags.includes(RESYNC_TAG));
  const chosen = selectAt(candidates, request.at);
  if (chosen === undefined) {
    const of = request.source === undefined ? "" : ` of ${request.source}`;
    throw new LifeboatError(
      "LB_SNAPSHOT_NOT_FOUND",
      `no snapshot${of} at or before ${request.at.toISOString()}`,
      { details: { snapshot: "latest", at: request.at.toISOString() } },
    );
  }
  const journal = chosen.kind === "image" ? journalAfter(all, chosen.id) : undefined;
  const records =
    journal === undefined ? [] : await storedRecords(repo, journal, cutNanos(request.at));
  const result = await restore(repo, {
    snapshot: chosen.id,
    target: request.target,
    ...(request.counters ? { counters: request.counters } : {}),
  });
  if (journal === undefined) return { ...result, stateAt: chosen.time, replay: null };
  const handle = await open(result.target, "r+");
  let bytes = 0;
  try {
    for (const record of records) {
      await handle.write(record.data, 0, record.data.length, record.offset);
      bytes += record.data.length;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  const covered = Math.min(request.at.getTime(), Date.parse(journal.time));
  return {
    ...result,
    stateAt: new Date(covered).toISOString(),
    replay: { journal: journal.id, records: records.length, bytes },
  };
}

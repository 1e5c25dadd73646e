import { LifeboatError } from "../../model/errors.js";
import type { BaseBackupEntry, PgCatalog, WalEntry } from "./pg-catalog.js";
import { segmentNumber } from "./wal-names.js";

/** What a point-in-time restore needs: one base backup and the WAL after it. */
export interface RestoreChoice {
  readonly base: BaseBackupEntry;
  /** Segments of the base's timeline from its start segment on, contiguous, in order. */
  readonly segments: readonly WalEntry[];
  /** Timeline history files (small; PostgreSQL asks for them during recovery). */
  readonly histories: readonly WalEntry[];
  /** The newest instant the archived WAL is known to cover (last segment's closedAt). */
  readonly coveredUntil: Date | null;
}

/**
 * Picks the newest base backup that finished at or before `at` and the contiguous run of WAL
 * segments after its start. `at` undefined means "as late as the archive goes".
 * Errors: `LB_PG_NO_BASE_BACKUP`; `LB_PG_WAL_MISSING` when a segment between the base and
 * the target is absent; `LB_PG_TARGET_NOT_COVERED` when no archived segment was closed at or
 * after `at` (commits just before `at` might then be missing).
 */
export function chooseRestore(catalog: PgCatalog, at: Date | undefined): RestoreChoice {
  const usable = catalog.bases.filter(
    (b) => at === undefined || Date.parse(b.fields.finishedAt) <= at.getTime(),
  );
  const base = usable.at(-1);
  if (base === undefined) {
    throw new LifeboatError(
      "LB_PG_NO_BASE_BACKUP",
      at === undefined
        ? "there is no base backup"
        : `no base backup finished at or before ${at.toISOString()}`,
      { details: { bases: catalog.bases.map((b) => b.fields.finishedAt) } },
    );
  }
  const timeline = base.fields.timeline ?? 1;
  const start = base.fields.startWalFile ? segmentNumber(base.fields.startWalFile) : undefined;
  const onTimeline = [...catalog.wal.values()]
    .filter((w) => w.name.kind === "segment" && w.name.timeline === timeline)
    .map((w) => ({ w, n: segmentNumber(w.fields.file) }))
    .filter(({ w, n }) =>
      start === undefined
        ? Date.parse(w.fields.closedAt) >= Date.parse(base.fields.startedAt)
        : n >= start,
    )
    .sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
  const segments: WalEntry[] = [];
  let expected = start ?? onTimeline[0]?.n;
  for (const { w, n } of onTimeline) {
    if (expected !== undefined && n !== expected) {
      // A gap: everything after it is unusable; fine only if the target is already covered.
      if (at !== undefined && covered(segments, at)) break;
      throw new LifeboatError(
        "LB_PG_WAL_MISSING",
        `WAL segment number ${expected} on timeline ${timeline} is not in the repository`,
        { details: { after: segments.at(-1)?.fields.file ?? null, next: w.fields.file } },
      );
    }
    segments.push(w);
    expected = n + 1n;
  }
  const coveredUntil = segments.length
    ? new Date(Math.max(...segments.map((s) => Date.parse(s.fields.closedAt))))
    : null;
  if (at !== undefined && !covered(segments, at)) {
    throw new LifeboatError(
      "LB_PG_TARGET_NOT_COVERED",
      `the archived WAL reaches ${coveredUntil?.toISOString() ?? "no point"}, before ${at.toISOString()}`,
      { details: { coveredUntil: coveredUntil?.toISOString() ?? null } },
    );
  }
  const histories = [...catalog.wal.values()].filter((w) => w.name.kind === "history");
  return { base, segments: trimAfter(segments, at), histories, coveredUntil };
}

/**
 * Keeps segments up to the second one closed after `at`: the first holds every commit up to
 * `at`, the next usually holds the commit after it that recovery stops on. (If it does not,
 * `startRestored` replays to the end, which is then still exactly the state at `at`.)
 */
function trimAfter(segments: WalEntry[], at: Date | undefined): WalEntry[] {
  if (at === undefined) return segments;
  let after = 0;
  const index = segments.findIndex(
    (s) => Date.parse(s.fields.closedAt) > at.getTime() && ++after === 2,
  );
  return index < 0 ? segments : segments.slice(0, index + 1);
}

function covered(segments: readonly WalEntry[], at: Date): boolean {
  return segments.some((s) => Date.parse(s.fields.closedAt) >= at.getTime());
}

import type { SnapshotKind, StoredSnapshot } from "./snapshot.js";

export interface SnapshotFilter {
  readonly tags?: readonly string[];
  readonly kind?: SnapshotKind;
  readonly host?: string;
  readonly source?: string;
}

/** Snapshots matching every given criterion (all `tags` must be present), oldest first. */
export function filterSnapshots(
  snapshots: readonly StoredSnapshot[],
  filter: SnapshotFilter = {},
): StoredSnapshot[] {
  return snapshots
    .filter(
      (s) =>
        (filter.kind === undefined || s.kind === filter.kind) &&
        (filter.host === undefined || s.host === filter.host) &&
        (filter.source === undefined || s.source === filter.source) &&
        (filter.tags ?? []).every((tag) => s.tags.includes(tag)),
    )
    .sort(byTime);
}

export function byTime(a: StoredSnapshot, b: StoredSnapshot): number {
  return Date.parse(a.time) - Date.parse(b.time) || a.id.localeCompare(b.id);
}

/**
 * The `--at` rule: the newest snapshot taken at or before `at`; `undefined` when every
 * snapshot is newer. Ties on time go to the larger id, so the answer is stable.
 */
export function selectAt(
  snapshots: readonly StoredSnapshot[],
  at: Date,
): StoredSnapshot | undefined {
  let best: StoredSnapshot | undefined;
  for (const s of snapshots) {
    if (Date.parse(s.time) > at.getTime()) continue;
    if (best === undefined || byTime(best, s) < 0) best = s;
  }
  return best;
}

/** Resolves `latest`, a full id, or a unique id prefix of at least 8 hex characters. */
export function findSnapshot(
  snapshots: readonly StoredSnapshot[],
  ref: string,
): StoredSnapshot | "ambiguous" | undefined {
  if (ref === "latest")
    return snapshots.length === 0 ? undefined : [...snapshots].sort(byTime).at(-1);
  if (!/^[0-9a-f]{8,64}$/.test(ref)) return undefined;
  const found = snapshots.filter((s) => s.id.startsWith(ref));
  return found.length > 1 ? "ambiguous" : found[0];
}

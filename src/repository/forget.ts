import { applyPolicy, groupForForget, type ForgetPolicy } from "./forget-policy.js";
import type { Repository } from "./repository.js";
import { filterSnapshots, type SnapshotFilter } from "./snapshot/select-snapshot.js";
import type { StoredSnapshot } from "./snapshot/snapshot.js";

export interface ForgetGroup {
  readonly host: string;
  readonly source: string;
  readonly kind: string;
  readonly keep: { id: string; time: string; reasons: string[] }[];
  readonly remove: { id: string; time: string }[];
}

export interface ForgetResult {
  readonly groups: ForgetGroup[];
  /** Snapshot ids removed (empty on a dry run). */
  readonly removed: string[];
}

/** The snapshot a dependent snapshot follows (`fields.follows`: a journal → its image). */
const followed = (s: StoredSnapshot): string | undefined =>
  typeof s.fields.follows === "string" ? s.fields.follows : undefined;

/**
 * Applies a retention policy to every group (host, source, kind) of the snapshots that match
 * `filter`, and removes the snapshot objects it does not keep. Data is freed by a later prune.
 * Needs no lock: removing a snapshot object never breaks a concurrent writer or reader.
 * A snapshot naming another in `fields.follows` is in no group: it is kept exactly while the
 * snapshot it follows is (docs/repository-format.md).
 */
export async function forgetSnapshots(
  repo: Repository,
  policy: ForgetPolicy,
  options: { dryRun?: boolean; filter?: SnapshotFilter } = {},
): Promise<ForgetResult> {
  const all = await repo.listSnapshots();
  const matching = filterSnapshots(all, options.filter);
  const snapshots = matching.filter((s) => !followed(s));
  const groups: ForgetGroup[] = [];
  for (const members of groupForForget(snapshots).values()) {
    const first = members[0]!;
    const decision = applyPolicy(members, policy);
    groups.push({
      host: first.host,
      source: first.source,
      kind: first.kind,
      keep: decision.keep.map(({ snapshot, reasons }) => ({
        id: snapshot.id,
        time: snapshot.time,
        reasons,
      })),
      remove: decision.remove.map((s) => ({ id: s.id, time: s.time })),
    });
  }
  const gone = new Set(groups.flatMap((g) => g.remove.map((s) => s.id)));
  const present = new Set(all.map((s) => s.id));
  const inFilter = new Set(matching.map((s) => s.id));
  for (const s of all) {
    // Goes with a leader removed now, or (when the filter names it) with one already gone.
    const leader = followed(s);
    if (leader === undefined) continue;
    if (!gone.has(leader) && (present.has(leader) || !inFilter.has(s.id))) continue;
    groups.push({
      host: s.host,
      source: s.source,
      kind: s.kind,
      keep: [],
      remove: [{ id: s.id, time: s.time }],
    });
  }
  const removed: string[] = [];
  if (!options.dryRun) {
    for (const group of groups) {
      for (const { id } of group.remove) {
        await repo.removeSnapshot(id);
        removed.push(id);
      }
    }
  }
  return { groups, removed };
}

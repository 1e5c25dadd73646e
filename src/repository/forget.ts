import { applyPolicy, groupForForget, type ForgetPolicy } from "./forget-policy.js";
import type { Repository } from "./repository.js";
import { filterSnapshots, type SnapshotFilter } from "./snapshot/select-snapshot.js";

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

/**
 * Applies a retention policy to every group (host, source, kind) of the snapshots that match
 * `filter`, and removes the snapshot objects it does not keep. Data is freed by a later prune.
 * Needs no lock: removing a snapshot object never breaks a concurrent writer or reader.
 */
export async function forgetSnapshots(
  repo: Repository,
  policy: ForgetPolicy,
  options: { dryRun?: boolean; filter?: SnapshotFilter } = {},
): Promise<ForgetResult> {
  const snapshots = filterSnapshots(await repo.listSnapshots(), options.filter);
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

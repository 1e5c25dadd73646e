import type { RecoveryPoint } from "../model/recovery-point.js";
import type { Repository } from "../repository/repository.js";
import type { PointLog } from "./point-log.js";
import { pointsToDrop, type KeepPolicy } from "./retention.js";

/** The stored journal a point names (its writes since the previous point), if any. */
const journalOf = (point: RecoveryPoint): string | null =>
  typeof point.meta.journalSnapshot === "string" ? point.meta.journalSnapshot : null;

/**
 * Applies a keep policy to one source: point rows first, then their snapshots (a crash between
 * leaves only unreferenced snapshots, which `repo forget`/`prune` clear). Returns the dropped ids.
 * A stored journal replays onto the point before it, so it goes with that point: a dropped
 * point's own journal, and the journal of a kept point whose previous point is dropped.
 */
export async function applyRetention(
  points: PointLog,
  repo: Repository,
  environment: string,
  source: string,
  policy: KeepPolicy,
): Promise<string[]> {
  const all = await points.list(environment, source);
  const drop = pointsToDrop(all, policy);
  if (drop.length === 0) return [];
  await points.remove(drop.map((p) => p.id));
  const kept = new Set((await points.list(environment, source)).map((p) => p.snapshotId));
  const dropped = new Set(drop);
  const journals = all
    .filter((p, i) => dropped.has(p) || (all[i + 1] !== undefined && dropped.has(all[i + 1]!)))
    .map(journalOf);
  for (const point of drop) {
    if (!kept.has(point.snapshotId)) await repo.removeSnapshot(point.snapshotId);
  }
  for (const journal of journals) if (journal !== null) await repo.removeSnapshot(journal);
  return drop.map((p) => p.id);
}

import type { Repository } from "../repository/repository.js";
import type { PointLog } from "./point-log.js";
import { pointsToDrop, type KeepPolicy } from "./retention.js";

/**
 * Applies a keep policy to one source: point rows first, then their snapshots (a crash between
 * leaves only unreferenced snapshots, which `repo forget`/`prune` clear). Returns the dropped ids.
 */
export async function applyRetention(
  points: PointLog,
  repo: Repository,
  environment: string,
  source: string,
  policy: KeepPolicy,
): Promise<string[]> {
  const drop = pointsToDrop(await points.list(environment, source), policy);
  if (drop.length === 0) return [];
  await points.remove(drop.map((p) => p.id));
  const kept = new Set((await points.list(environment, source)).map((p) => p.snapshotId));
  for (const point of drop) {
    if (!kept.has(point.snapshotId)) await repo.removeSnapshot(point.snapshotId);
  }
  return drop.map((p) => p.id);
}

import type { RecoveryPoint } from "../model/recovery-point.js";

/** How many points of a source to keep (config `protect[i].keep`). */
export interface KeepPolicy {
  /** Keep the newest `last` points. */
  readonly last?: number;
  /** Keep every point at most this old, measured from the newest point. */
  readonly withinMs?: number;
}

/**
 * The points a policy drops, from one source's points listed newest first. The newest point is
 * always kept (it is the next cycle's base); a policy with no rule keeps everything.
 */
export function pointsToDrop(
  points: readonly RecoveryPoint[],
  policy: KeepPolicy,
): RecoveryPoint[] {
  if (policy.last === undefined && policy.withinMs === undefined) return [];
  const newest = points[0]?.at.getTime() ?? 0;
  return points.filter((point, index) => {
    if (index === 0) return false;
    if (policy.last !== undefined && index < policy.last) return false;
    if (policy.withinMs !== undefined && newest - point.at.getTime() <= policy.withinMs)
      return false;
    return true;
  });
}

import type { ChangeSource } from "./change-source.js";
import { protectVolume, type ProtectDeps, type VolumeCycle } from "./protect-volume.js";

/**
 * A failback's final delta of a volume read through its failover copy (docs/recovery.md, "Data
 * sync-back"): one protection cycle of `source` — a {@link CbtSource} over the copy's volume in
 * the failover's target — recorded under the primary's volume id. The newest point's provider
 * position names a snapshot of another volume (the primary's, in its own region), which the
 * copy's changed-block tracking cannot be compared with, so the copy's snapshot is read whole
 * (only its written blocks are fetched) and stored against the newest point's chunks: unchanged
 * chunks are not uploaded again.
 */
export async function takeFinalDelta(
  deps: ProtectDeps,
  source: ChangeSource,
): Promise<VolumeCycle> {
  const whole: ChangeSource = {
    method: source.method,
    instant: source.instant,
    counters: source.counters,
    volume: source.volume,
    changes: (base, options) => source.changes(base && { ...base, meta: {} }, options),
  };
  return await protectVolume(deps, whole);
}

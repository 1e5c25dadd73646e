import type { VersionRef } from "../capture/stored-versions.js";
import type { Inventory, LogicalId } from "../model/inventory/index.js";
import type { VolumeData } from "../plan/index.js";
import { listRecoveryPoints } from "../store/recovery-points-repo.js";
import { listStagedSnapshots } from "../store/staged-snapshots-repo.js";
import type { StoreSession } from "../store/store.js";

/**
 * What each volume of the inventory is hydrated from (docs/hydration.md, "In a plan"): the
 * explicit `--hydrate` entries, and — unless `hydrate` is false (`--no-hydrate`) — for every
 * other volume with a recovery point, its newest point (at or before `--at` when given). A
 * point staged in `target` (pre-staged mode) carries its staged snapshot, so the step makes
 * the volume from it instead of writing blocks.
 */
export async function volumeDataFor(
  store: StoreSession,
  request: {
    readonly environment: string;
    readonly target: string;
    readonly inventory: Inventory;
    readonly point: VersionRef | undefined;
    readonly explicit: Readonly<Record<string, string>>;
    readonly hydrate: boolean;
  },
): Promise<Record<LogicalId, string | VolumeData>> {
  const out: Record<LogicalId, string | VolumeData> = { ...request.explicit };
  if (!request.hydrate) return out;
  const before = request.point && "at" in request.point ? request.point.at : undefined;
  const points = await listRecoveryPoints(store, request.environment, {
    kind: "volume",
    ...(before === undefined ? {} : { before }),
  });
  if (points.length === 0) return out;
  const staged = await listStagedSnapshots(store, request.environment, {
    target: request.target,
  });
  for (const r of request.inventory.resources) {
    if (r.kind !== "volume" || r.id in out) continue;
    const source = r.id.slice("volume:".length);
    const point = points.find((p) => p.source === source); // newest first
    if (point === undefined) continue;
    const ready = staged.find((s) => s.pointId === point.id);
    out[r.id] = ready
      ? {
          snapshot: point.snapshotId,
          staged: { snapshotId: ready.snapshotId, region: ready.region },
        }
      : { snapshot: point.snapshotId };
  }
  return out;
}

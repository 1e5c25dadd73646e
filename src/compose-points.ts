/** The protect engine's point log wired to the state store (imported by composition.ts). */
import type { PointLog } from "./protect/point-log.js";
import {
  deleteRecoveryPoints,
  listRecoveryPoints,
  newestRecoveryPoint,
  recordRecoveryPoint,
} from "./store/recovery-points-repo.js";
import type { Store } from "./store/store.js";

/** The protect engine's point log over the state store's `recovery_points` table. */
export function storePointLog(store: Store): PointLog {
  return {
    newest: (environment, source) => newestRecoveryPoint(store, environment, source),
    record: (point) => recordRecoveryPoint(store, point),
    recordGroup: (points) =>
      store.transaction(async (tx) => {
        const recorded = [];
        for (const point of points) recorded.push(await recordRecoveryPoint(tx, point));
        return recorded;
      }),
    group: (environment, groupId) => listRecoveryPoints(store, environment, { groupId }),
    list: (environment, source) => listRecoveryPoints(store, environment, { source }),
    remove: async (ids) => void (await deleteRecoveryPoints(store, ids)),
  };
}

/**
 * A failback's CBT final delta wired to AWS (docs/recovery.md, "Data sync-back"): the copy's
 * volume read through the EBS direct APIs of the failover's target connection, recorded as a
 * point of the primary's volume in the state store. Imported by composition.ts.
 */
import type { DeepReadonly } from "./config/deep-freeze.js";
import { storePointLog } from "./compose-points.js";
import type { EnvironmentConfig } from "./model/config.js";
import type { RecoveryPoint } from "./model/recovery-point.js";
import { CbtSource } from "./protect/cbt-source.js";
import { takeFinalDelta } from "./protect/final-delta.js";
import { awsBlockSnapshots } from "./providers/aws/aws-block-snapshots.js";
import type { AwsConnection } from "./providers/aws/aws-connection.js";
import { awsVolumeSnapshots } from "./providers/aws/aws-volume-snapshots.js";
import type { CbtFinalDelta } from "./recover/sync-back-step.js";
import type { Repository } from "./repository/repository.js";
import type { Store } from "./store/store.js";

/** The `sync-back` handler's `finalDelta` port. */
export function cbtFinalDelta(
  repository: () => Promise<Repository>,
  store: Store,
  connectionFor: (name: string) => AwsConnection,
): (environment: string, volume: string, cbt: CbtFinalDelta) => Promise<RecoveryPoint> {
  return async (environment, volume, cbt) => {
    const connection = connectionFor(cbt.connection);
    const source = new CbtSource({
      volume,
      blocks: awsBlockSnapshots(connection),
      snapshot: awsVolumeSnapshots(connection, cbt.volume, cbt.snapshots),
    });
    const deps = { repo: await repository(), points: storePointLog(store), environment };
    return (await takeFinalDelta(deps, source)).point;
  };
}

/** The volumes an environment's agent binds with `mode: cbt`, and how their snapshots are had. */
export function cbtVolumesOf(
  environment: DeepReadonly<EnvironmentConfig>,
): Record<string, "create" | "tagged"> {
  const volumes = Object.entries(environment.agent?.volumes ?? {});
  return Object.fromEntries(
    volumes.filter(([, v]) => v.mode === "cbt").map(([id, v]) => [id, v.snapshots]),
  );
}

/**
 * Pre-staged mode wired for `lifeboat agent` (docs/hydration.md): each volume whose `protect`
 * item has `prestage` gets its newest point staged in that connection's region after every
 * cycle. One AWS connection per (connection, region), opened on first use.
 */
import type { DeepReadonly } from "./config/deep-freeze.js";
import { providerNamed } from "./config/config-lookups.js";
import type { LoadedConfig } from "./config/load-config.js";
import type { Clock } from "./model/clock.js";
import type { ProtectConfig, ProviderConfig } from "./model/config.js";
import type { PointLog } from "./protect/point-log.js";
import { stageNewest, type StageLog } from "./protect/prestage.js";
import { awsBlockSnapshots } from "./providers/aws/aws-block-snapshots.js";
import { AwsConnection } from "./providers/aws/aws-connection.js";
import { awsConnectionOptions } from "./providers/aws/aws-connection-options.js";
import type { BlockSnapshotStore } from "./providers/block-snapshots.js";
import type { Repository } from "./repository/repository.js";
import {
  deleteStagedSnapshots,
  listStagedSnapshots,
  recordStagedSnapshot,
} from "./store/staged-snapshots-repo.js";
import type { Store } from "./store/store.js";

/** The stage log over the state store's `staged_snapshots` table. */
export function storeStageLog(store: Store): StageLog {
  return {
    list: (environment, source, target) =>
      listStagedSnapshots(store, environment, { source, target }),
    record: (staged) => recordStagedSnapshot(store, staged),
    remove: (ids) => deleteStagedSnapshots(store, ids),
  };
}

export interface AgentStager {
  /** Stages the volume's newest point; undefined when its protect item has no `prestage`. */
  stage(volumeId: string): Promise<Date | undefined>;
  close(): void;
}

export function agentStager(options: {
  readonly loaded: LoadedConfig;
  readonly environment: string;
  readonly protect: readonly DeepReadonly<ProtectConfig>[];
  readonly store: Store;
  readonly points: PointLog;
  readonly repository: () => Promise<Repository>;
  readonly clock: Clock;
  readonly env: Readonly<Record<string, string | undefined>>;
}): AgentStager {
  const log = storeStageLog(options.store);
  const open = new Map<string, { connection: AwsConnection; blocks: BlockSnapshotStore }>();
  const target = (name: string, region: string | undefined) => {
    const provider = providerNamed(options.loaded, name) as ProviderConfig;
    const key = `${name}\n${region ?? provider.region}`;
    let found = open.get(key);
    if (!found) {
      const base = awsConnectionOptions(name, provider, options.env);
      const connection = new AwsConnection({ ...base, region: region ?? base.region });
      found = { connection, blocks: awsBlockSnapshots(connection) };
      open.set(key, found);
    }
    return { region: region ?? provider.region, blocks: found.blocks };
  };
  return {
    async stage(volumeId) {
      const prestage = options.protect.find((p) => p.volumes?.ids?.includes(volumeId))?.prestage;
      if (prestage === undefined) return undefined;
      const { region, blocks } = target(prestage.connection, prestage.region);
      const outcome = await stageNewest(
        {
          repo: await options.repository(),
          points: options.points,
          log,
          store: blocks,
          environment: options.environment,
          target: prestage.connection,
          region,
          clock: options.clock,
        },
        volumeId,
      );
      return outcome.staged?.pointAt;
    },
    close: () => {
      for (const { connection } of open.values()) connection.destroy();
    },
  };
}

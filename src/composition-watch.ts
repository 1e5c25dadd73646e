/**
 * The watcher's wiring for `serve` (imported and re-exported by composition.ts, the one
 * composition root): an environment's probes and failover policy from its config, provider
 * status probes on the config's connections, decisions into the state store.
 */
import { awsProviders } from "./compose-connections.js";
import type { LoadedConfig } from "./config/load-config.js";
import type { Clock } from "./model/clock.js";
import type { Logger } from "./model/logger.js";
import { Secret } from "./model/secret.js";
import { newestRecoveryPoint } from "./store/recovery-points-repo.js";
import type { Store } from "./store/store.js";
import { alertersFromConfig } from "./watch/alerts-from-config.js";
import type { DecisionListener } from "./watch/decision-sink.js";
import { failoverListener, type StartFailover } from "./watch/failover-listener.js";
import { listDecisions, storeDecisionSink } from "./watch/store-decision-sink.js";
import { watchFromConfig } from "./watch/watch-from-config.js";
import { Watcher } from "./watch/watcher.js";

/** A started-and-stoppable watcher of one environment; `stop()` also releases its providers. */
export interface EnvironmentWatch {
  start(): void;
  stop(): Promise<void>;
}

/**
 * The watcher of environment `name`, or undefined when its config has no `health` checks.
 * Decisions recorded before (a previous leader's) carry over: an open incident stays open, and
 * the failover it asked for is started unless its run exists.
 */
export async function environmentWatch(
  loaded: LoadedConfig,
  name: string,
  deps: {
    readonly store: Store;
    readonly clock: Clock;
    readonly logger: Logger;
    readonly env: Readonly<Record<string, string | undefined>>;
    /** Told about each decision after the alert channels (`lifeboat watch` prints them). */
    readonly listeners?: readonly DecisionListener[];
    /**
     * Starts a failover for a failover decision (`lifeboat watch`, and `serve` while it leads),
     * told last; also for the failover the open incident asked for before this watcher started
     * (failover-listener.ts, `replay`). Absent: decisions are recorded and alerted only.
     */
    readonly startFailover?: StartFailover;
  },
): Promise<EnvironmentWatch | undefined> {
  const environment = loaded.config.environments[name];
  if (environment === undefined || environment.health.length === 0) return undefined;
  const providers = awsProviders(loaded, deps.env);
  // Recovery points (volumes, PostgreSQL base backups and WAL segments): `recovery_points`.
  const newestPointAt = async () => (await newestRecoveryPoint(deps.store, name))?.at ?? null;
  const { probes, policy } = watchFromConfig(name, environment as never, {
    clock: deps.clock,
    // Heartbeats are recorded by the agent.
    newestHeartbeat: () => () => Promise.resolve(null),
    newestRecoveryPoint: newestPointAt,
    provider: (connection) => providers.get(connection),
  });
  const recorded = await listDecisions(deps.store, name);
  const history = recorded.map((d) => d.decision);
  // Webhooks of the environment and the top level (docs/config.md, `alerts`).
  const alerters = alertersFromConfig(
    name,
    { environment: environment.alerts, top: loaded.config.alerts },
    {
      clock: deps.clock,
      logger: deps.logger,
      secret: (variable) => {
        const value = deps.env[variable];
        return value ? new Secret(value) : undefined;
      },
    },
  );
  const failovers = deps.startFailover && failoverListener(deps.startFailover, deps.logger);
  const watcher = new Watcher({
    environment: name,
    probes,
    policy,
    clock: deps.clock,
    logger: deps.logger,
    sink: storeDecisionSink(deps.store),
    newestRecoveryPoint: newestPointAt,
    listeners: [...alerters, ...(deps.listeners ?? []), ...(failovers ? [failovers] : [])],
    history,
  });
  return {
    start: () => {
      failovers?.replay(recorded);
      watcher.start();
    },
    stop: async () => {
      await watcher.stop();
      await Promise.all(alerters.map((a) => a.close()));
      providers.close();
    },
  };
}

/**
 * `lifeboat agent` wired (docs/protect.md): the bound volumes, the repository, heartbeats,
 * pre-staging and retention behind the protection loop's ports.
 */
import { hostname } from "node:os";
import { environmentNamed } from "./config/config-lookups.js";
import { loadConfig } from "./config/load-config.js";
import { systemClock } from "./model/clock.js";
import { parseDuration } from "./model/duration.js";
import { LifeboatError } from "./model/errors.js";
import type { AgentDeps, AgentGroup, AgentVolume } from "./protect/agent.js";
import { bindVolumes } from "./protect/agent-volumes.js";
import { applyRetention } from "./protect/apply-retention.js";
import type { Repository } from "./repository/repository.js";
import { recordHeartbeat } from "./store/agent-heartbeats-repo.js";
import { openStore } from "./store/open-store.js";
import { agentCbtBinder } from "./compose-cbt.js";
import type { CompositionOptions } from "./compose-options.js";
import { storePointLog } from "./compose-points.js";
import { agentStager } from "./compose-prestage.js";
import { openRepository } from "./compose-repository.js";
import { agentCycleHooks, configRemoteShell } from "./compose-workflows.js";

/** What `lifeboat agent` runs: the bound volumes and the loop's dependencies. */
export interface ProtectionAgent {
  readonly environment: string;
  readonly name: string;
  readonly heartbeatMs: number;
  readonly volumes: readonly AgentVolume[];
  /** Volumes captured together, with their backup workflows. */
  readonly groups: readonly AgentGroup[];
  readonly deps: AgentDeps;
}

/**
 * Wires `lifeboat agent` for environment `name` (or the only environment with an `agent`
 * section): the state store, the repository (opened at the first cycle and retried while it is
 * unreachable), the bound volumes (journal pass-throughs mounted), heartbeats and retention.
 * Unmounts and closes everything when `body` settles.
 */
export async function withProtectionAgent<T>(
  name: string | undefined,
  options: CompositionOptions & { readonly agentName?: string },
  body: (agent: ProtectionAgent) => Promise<T>,
): Promise<T> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const loaded = await loadConfig({ config: options.config, env });
  const withAgent = Object.keys(loaded.config.environments).filter(
    (n) => loaded.config.environments[n]?.agent !== undefined,
  );
  const envName = name ?? (withAgent.length === 1 ? withAgent[0]! : undefined);
  if (envName === undefined) {
    throw new LifeboatError("LB_USAGE", "name the environment the agent protects", {
      remedy: `Run \`lifeboat agent <env>\`; environments with an agent section: ${withAgent.join(", ") || "none"}.`,
    });
  }
  const environment = environmentNamed(loaded, envName);
  const agentConfig = environment.agent;
  if (agentConfig === undefined) {
    throw new LifeboatError("LB_CONFIG_INVALID", `environment ${envName} has no agent section`, {
      remedy: `Add environments.${envName}.agent.volumes (docs/config.md).`,
    });
  }
  const store = await openStore(loaded.config.state, {
    baseDir: loaded.dir,
    now: () => clock.now(),
  });
  let repository: Repository | undefined;
  // For `aws-ssm-run` steps of backup workflows; its SDK clients are made on first use.
  const remoteShell = configRemoteShell(loaded, env);
  const hooksFor = agentCycleHooks(
    loaded,
    {
      repository: async () => (repository ??= await openRepository(loaded)),
      store,
      clock,
      remoteShell,
    },
    envName,
    env,
  );
  const cbt = agentCbtBinder(loaded, env);
  const bound = await bindVolumes(
    agentConfig,
    environment.protect,
    loaded.dir,
    clock,
    hooksFor,
    cbt.bind,
  ).catch(async (error: unknown) => {
    remoteShell.destroy();
    cbt.close();
    await store.close();
    throw error;
  });
  const agentName = options.agentName ?? agentConfig.name ?? hostname();
  const points = storePointLog(store);
  const keepOf = (id: string) =>
    environment.protect.find((p) => p.volumes?.ids?.includes(id))?.keep;
  const stager = agentStager({
    loaded,
    environment: envName,
    protect: environment.protect,
    store,
    points,
    repository: async () => (repository ??= await openRepository(loaded)),
    clock,
    env,
  });
  const deps: AgentDeps = {
    clock,
    openProtect: async () => ({
      repo: (repository ??= await openRepository(loaded)),
      points,
      environment: envName,
    }),
    heartbeat: (volumes) =>
      recordHeartbeat(store, {
        agent: agentName,
        environment: envName,
        data: {
          volumes: volumes.map(({ staging, ...v }) => ({
            ...v,
            ...(staging ? { staging: { ...staging } } : {}),
          })),
        },
      }),
    stage: (volume) => stager.stage(volume.id),
    afterCycle: async (volume) => {
      const keep = keepOf(volume.id);
      if (keep === undefined || repository === undefined) return;
      await applyRetention(points, repository, envName, volume.id, {
        ...(keep.last !== undefined ? { last: keep.last } : {}),
        ...(keep.within !== undefined ? { withinMs: parseDuration(keep.within) ?? 0 } : {}),
      });
    },
  };
  try {
    return await body({
      environment: envName,
      name: agentName,
      heartbeatMs: parseDuration(agentConfig.heartbeat) ?? 30_000,
      volumes: bound.volumes,
      groups: bound.groups,
      deps,
    });
  } finally {
    stager.close();
    cbt.close();
    await bound.close();
    remoteShell.destroy();
    await Promise.allSettled([repository?.close(), store.close()]);
  }
}

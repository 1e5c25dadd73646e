import { spawnSync } from "node:child_process";
import { isAbsolute, join } from "node:path";
import type { DeepReadonly } from "../config/deep-freeze.js";
import type { Clock } from "../model/clock.js";
import type { AgentConfig, AgentVolumeConfig, ProtectConfig } from "../model/config.js";
import { parseDuration } from "../model/duration.js";
import { BugError, LifeboatError } from "../model/errors.js";
import type { AgentGroup, AgentVolume } from "./agent.js";
import { CbtSource, type CbtSourceOptions } from "./cbt-source.js";
import { JournalMount } from "./journal/journal-mount.js";
import { JournalSource } from "./journal/journal-source.js";
import { noQuiesce, type QuiesceHooks } from "./quiesce-hooks.js";
import { ScanSource } from "./scan-source.js";

/** The volumes of an agent config, started: journal volumes get their pass-through mounted. */
export interface BoundVolumes {
  readonly volumes: AgentVolume[];
  /** The `protect` items that group the agent's volumes or attach backup workflows. */
  readonly groups: AgentGroup[];
  readonly mounts: ReadonlyMap<string, JournalMount>;
  /** Unmounts every pass-through. */
  close(): Promise<void>;
}

/** A volume's interval: its own `every`, else the `protect` item listing its id. */
function intervalOf(
  id: string,
  own: string | undefined,
  protect: readonly DeepReadonly<ProtectConfig>[],
): number {
  const item = protect.find((p) => p.volumes?.ids?.includes(id));
  const every = own ?? item?.every ?? item?.rpo;
  if (every === undefined) {
    throw new LifeboatError("LB_CONFIG_INVALID", `agent volume ${id} has no schedule`, {
      remedy: `Add \`every\` to agent.volumes.${id}, or list ${id} in a protect item's volumes.ids.`,
    });
  }
  const ms = parseDuration(every);
  if (ms === undefined) throw new BugError(`a validated duration did not parse: ${every}`);
  return ms;
}

/** Makes the quiesce hooks of a group whose `protect` item attaches backup workflows. */
export type GroupHooksFactory = (
  item: DeepReadonly<ProtectConfig>,
  group: string,
) => Promise<QuiesceHooks>;

/**
 * The agent's groups: each `protect` item with `group` or `workflows` whose `volumes.ids` the
 * agent holds, on the item's schedule (`every`, else `rpo`); named by `group`, else
 * `protect-<index>`.
 */
export async function bindGroups(
  agent: DeepReadonly<AgentConfig>,
  protect: readonly DeepReadonly<ProtectConfig>[],
  hooksFor: GroupHooksFactory,
): Promise<AgentGroup[]> {
  const groups: AgentGroup[] = [];
  for (const [i, item] of protect.entries()) {
    if (item.group === undefined && item.workflows === undefined) continue;
    const volumes = (item.volumes?.ids ?? []).filter((id) => Object.hasOwn(agent.volumes, id));
    if (volumes.length === 0) continue;
    const id = item.group ?? `protect-${i}`;
    const everyMs = parseDuration(item.every ?? item.rpo);
    if (everyMs === undefined) throw new BugError("a validated duration did not parse");
    const hooks = item.workflows === undefined ? noQuiesce : await hooksFor(item, id);
    groups.push({ id, everyMs, volumes, hooks });
  }
  return groups;
}

/**
 * Opens a `cbt` binding's provider side (composition.ts): the block store of its connection and
 * how a cycle gets the volume's snapshot.
 */
export type CbtBinder = (
  id: string,
  binding: DeepReadonly<AgentVolumeConfig>,
) => Omit<CbtSourceOptions, "volume">;

/**
 * Binds the config's local devices and image files to volume ids; `cbt` volumes get a
 * {@link CbtSource} over the provider snapshots `cbt` opens. A journal volume's stale
 * mount (an agent killed with -9 leaves its pass-through behind) is unmounted first, so the new
 * pass-through starts a new session and the first cycle resynchronises.
 */
export async function bindVolumes(
  agent: DeepReadonly<AgentConfig>,
  protect: readonly DeepReadonly<ProtectConfig>[],
  baseDir: string,
  clock: Clock,
  hooksFor: GroupHooksFactory = async () => noQuiesce,
  cbt?: CbtBinder,
): Promise<BoundVolumes> {
  const groups = await bindGroups(agent, protect, hooksFor);
  const mounts = new Map<string, JournalMount>();
  const volumes: AgentVolume[] = [];
  const at = (p: string) => (isAbsolute(p) ? p : join(baseDir, p));
  const state = at(agent.state);
  try {
    for (const [id, binding] of Object.entries(agent.volumes)) {
      const everyMs = intervalOf(id, binding.every, protect);
      if (binding.mode === "cbt") {
        if (cbt === undefined) throw new BugError("a cbt volume was bound without a cbt binder");
        volumes.push({ id, everyMs, source: new CbtSource({ volume: id, ...cbt(id, binding) }) });
        continue;
      }
      if (binding.path === undefined) throw new BugError(`validated ${id} has no path`);
      const path = at(binding.path);
      if (binding.mode === "scan") {
        volumes.push({ id, everyMs, source: new ScanSource(id, path, clock) });
        continue;
      }
      const mountpoint = at(binding.mountpoint ?? join(state, id, "mnt"));
      spawnSync("fusermount3", ["-u", "-z", mountpoint], { stdio: "ignore" });
      const mount = await JournalMount.start({
        image: path,
        journalDir: join(state, id, "journal"),
        mountpoint,
      });
      mounts.set(id, mount);
      const source = new JournalSource({
        volume: id,
        image: path,
        journalDir: mount.journalDir,
        clock,
        rotate: () => mount.rotate(),
      });
      volumes.push({ id, everyMs, source });
    }
  } catch (error) {
    await Promise.allSettled([...mounts.values()].map((m) => m.stop()));
    throw error;
  }
  return {
    volumes,
    groups,
    mounts,
    close: async () => void (await Promise.allSettled([...mounts.values()].map((m) => m.stop()))),
  };
}

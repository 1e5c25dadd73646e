import type { Clock } from "../model/clock.js";
import { BugError, asLifeboatError } from "../model/errors.js";
import type { ChangeSource } from "./change-source.js";
import { protectGroup } from "./protect-group.js";
import { protectVolume, type ProtectDeps, type VolumeCycle } from "./protect-volume.js";
import type { QuiesceHooks } from "./quiesce-hooks.js";

/** One volume the agent protects, with its schedule. */
export interface AgentVolume {
  readonly id: string;
  readonly everyMs: number;
  readonly source: ChangeSource;
}

/**
 * Volumes the agent captures together at one instant, with their quiesce hooks (a `protect`
 * item with `group` or `workflows`): one schedule for all members.
 */
export interface AgentGroup {
  readonly id: string;
  readonly everyMs: number;
  /** Member volume ids; each is also in the agent's volumes (for its status). */
  readonly volumes: readonly string[];
  readonly hooks: QuiesceHooks;
}

/** A volume's state as heartbeats report it. */
export interface VolumeStatus {
  id: string;
  method: string;
  lastPointAt: string | null;
  lastChangedBytes: number | null;
  lastError: { code: string; message: string } | null;
  cycles: number;
  failures: number;
  /** Pre-staged mode only (docs/hydration.md): the newest staged point and the last failure. */
  staging?: StagingStatus;
}

export interface StagingStatus {
  /** `at` of the newest point staged in the target; null before the first stage. */
  lastStagedPointAt: string | null;
  lastError: { code: string; message: string } | null;
  failures: number;
}

export interface AgentDeps {
  /**
   * Opened per cycle (a repository that was unreachable is retried at the next cycle); a failure
   * fails that cycle only.
   */
  openProtect(): Promise<ProtectDeps>;
  heartbeat(volumes: readonly VolumeStatus[]): Promise<void>;
  clock: Clock;
  /** After each successful cycle (retention). */
  afterCycle?(volume: AgentVolume, cycle: VolumeCycle): Promise<void>;
  /**
   * Pre-staged mode: after each successful cycle (before retention), stage the newest point in
   * the target; resolves the staged point's `at`, or undefined when the volume is not staged.
   * A failure is reported in the heartbeat and never fails the cycle; the next cycle catches up.
   */
  stage?(volume: AgentVolume): Promise<Date | undefined>;
  onCycle?(volume: VolumeStatus, cycle: VolumeCycle | null): void;
}

export interface AgentOptions {
  readonly heartbeatMs: number;
  /** Retry delay after a failed cycle (capped by the volume's interval). */
  readonly retryMs?: number;
  /** One cycle per volume, then return. */
  readonly once?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * The agent's loop (docs/protect.md, "Agent"): runs each volume's protection cycle on its
 * schedule — a group's members together, one cycle at one instant (`protectGroup`) inside the
 * group's hooks — and sends a heartbeat after every round. A failed cycle (repository unreachable,
 * device gone, corrupt journal) is reported in the heartbeat and retried; nothing is lost
 * meanwhile, because a source keeps its changes until a point is recorded (the journal keeps
 * growing, a scan finds everything again). Returns the statuses when `once` or aborted.
 */
export async function runAgent(
  deps: AgentDeps,
  volumes: readonly AgentVolume[],
  options: AgentOptions,
  groups: readonly AgentGroup[] = [],
): Promise<VolumeStatus[]> {
  const status = volumes.map<VolumeStatus>((v) => ({
    id: v.id,
    method: v.source.method,
    lastPointAt: null,
    lastChangedBytes: null,
    lastError: null,
    cycles: 0,
    failures: 0,
  }));
  const grouped = new Set(groups.flatMap((g) => g.volumes));
  const units: Unit[] = [
    ...groups.map((g) => ({
      everyMs: g.everyMs,
      members: g.volumes.map((id) => volumes.findIndex((v) => v.id === id)),
      group: g,
    })),
    ...volumes.flatMap((v, i) =>
      grouped.has(v.id) ? [] : [{ everyMs: v.everyMs, members: [i], group: null }],
    ),
  ];
  if (units.some((u) => u.members.includes(-1))) {
    throw new BugError("an agent group names a volume the agent does not hold");
  }
  const nextAt = units.map(() => 0);
  const retryMs = options.retryMs ?? 10_000;
  while (!options.signal?.aborted) {
    for (const [i, unit] of units.entries()) {
      const now = deps.clock.now().getTime();
      if (nextAt[i]! > now || options.signal?.aborted) continue;
      const members = unit.members.map((m) => ({ volume: volumes[m]!, status: status[m]! }));
      try {
        const protect = await deps.openProtect();
        const cycles = await cycleOf(protect, unit, members, deps.clock, options.signal);
        nextAt[i] = now + unit.everyMs;
        for (const [j, { volume, status: s }] of members.entries()) {
          const cycle = cycles[j]!;
          Object.assign(s, {
            lastPointAt: cycle.point.at.toISOString(),
            lastChangedBytes: cycle.point.changedBytes,
            lastError: null,
            cycles: s.cycles + 1,
          });
          if (deps.stage) await stageVolume(deps.stage, volume, s);
          await deps.afterCycle?.(volume, cycle);
          deps.onCycle?.(s, cycle);
        }
      } catch (error) {
        const e = asLifeboatError(error);
        for (const { status: s } of members) {
          Object.assign(s, {
            lastError: { code: e.code, message: e.message },
            failures: s.failures + 1,
          });
          deps.onCycle?.(s, null);
        }
        nextAt[i] = now + Math.min(retryMs, unit.everyMs);
      }
    }
    await deps.heartbeat(status).catch(() => undefined);
    if (options.once) break;
    const now = deps.clock.now().getTime();
    const wait = Math.max(0, Math.min(options.heartbeatMs, ...nextAt.map((t) => t - now)));
    await deps.clock.sleep(wait, options.signal).catch(() => undefined);
  }
  return status;
}

async function stageVolume(
  stage: NonNullable<AgentDeps["stage"]>,
  volume: AgentVolume,
  s: VolumeStatus,
): Promise<void> {
  const staging = (s.staging ??= { lastStagedPointAt: null, lastError: null, failures: 0 });
  try {
    const at = await stage(volume);
    if (at === undefined) delete s.staging;
    else Object.assign(staging, { lastStagedPointAt: at.toISOString(), lastError: null });
  } catch (error) {
    const e = asLifeboatError(error);
    Object.assign(staging, {
      lastError: { code: e.code, message: e.message },
      failures: staging.failures + 1,
    });
  }
}

interface Unit {
  readonly everyMs: number;
  /** Indexes into the agent's volumes. */
  readonly members: readonly number[];
  readonly group: AgentGroup | null;
}

/** One cycle of a lone volume, or of a group (every member at one instant). */
async function cycleOf(
  protect: ProtectDeps,
  unit: Unit,
  members: readonly { volume: AgentVolume }[],
  clock: Clock,
  signal: AbortSignal | undefined,
): Promise<readonly VolumeCycle[]> {
  if (unit.group === null) return [await protectVolume(protect, members[0]!.volume.source)];
  const cycle = await protectGroup(
    protect,
    { id: unit.group.id, volumes: members.map((m) => m.volume.source) },
    { clock, hooks: unit.group.hooks, ...(signal ? { signal } : {}) },
  );
  return cycle.volumes;
}

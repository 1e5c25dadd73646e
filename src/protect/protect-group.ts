import type { Clock } from "../model/clock.js";
import { BugError, LifeboatError } from "../model/errors.js";
import type {
  RecoveryPoint,
  RecoveryPointKind,
  RecoveryPointMethod,
} from "../model/recovery-point.js";
import type { BackupResult } from "../repository/archiver/api.js";
import { openBaseImage, type BaseCounters } from "./base-image.js";
import type { BaseImage, ChangeSet, ChangeSource } from "./change-source.js";
import type { NewPoint } from "./point-log.js";
import {
  baseOf,
  keepWrites,
  pointOf,
  storeChanges,
  type ProtectDeps,
  type VolumeCycle,
} from "./protect-volume.js";
import {
  noQuiesce,
  withQuiesce,
  type ConsistencyGroup,
  type QuiesceHooks,
} from "./quiesce-hooks.js";

/** A member stored whole inside the window rather than from a change source (a database dump). */
export interface CaptureMember {
  readonly source: string;
  readonly kind: RecoveryPointKind;
  readonly method: RecoveryPointMethod;
  /** Writes the member's state as of now (the writers are quiesced) as a committed snapshot. */
  capture(at: Date, signal?: AbortSignal): Promise<BackupResult>;
}

/** What one group captures each cycle. */
export interface GroupSpec {
  /** The group's name: the hooks see it, and the points' group ids start with it. */
  readonly id: string;
  readonly volumes: readonly ChangeSource[];
  readonly captures?: readonly CaptureMember[];
}

export interface GroupOptions {
  readonly clock: Clock;
  /** Around the capture; default none (crash-consistent, which is exact for journal cuts). */
  readonly hooks?: QuiesceHooks;
  /**
   * Cut at this earlier instant (journal members, after the fact). Ignored in a cycle where a
   * member resynchronised: the cut must follow the resynchronisation.
   */
  readonly at?: Date;
  /** The group id the points carry; default `<group>@<at as ISO 8601>`. */
  readonly groupId?: string;
  readonly signal?: AbortSignal;
}

/** What one group cycle did: every point carries `groupId` and `at`. */
export interface GroupCycle {
  readonly groupId: string;
  readonly at: Date;
  /** One per volume, in the spec's order. */
  readonly volumes: readonly VolumeCycle[];
  /** The captures' points, in the spec's order. */
  readonly captures: readonly RecoveryPoint[];
}

interface Member {
  readonly source: ChangeSource;
  readonly counters: BaseCounters;
  readonly sourceBytesBefore: number;
  readonly firstPoint: boolean;
  base: BaseImage | null;
  changes?: ChangeSet;
  stored?: BackupResult;
}

/**
 * One protection cycle of a consistency group (docs/protect.md, "Consistency groups"): every
 * member's point is of the same instant and carries the same group id, and the points are
 * recorded in one transaction, so a group is recorded whole or not at all.
 *
 * Order: journal members that must resynchronise do so first (the fuzzy scan is no point);
 * then, between `quiesce` and `unquiesce`, the instant is chosen and the scan, CBT and capture
 * members are read and stored; journal members are then cut at that instant (a cut is after
 * the fact, so it need not hold the writers). A failure anywhere fails the whole cycle: no point
 * is recorded, every source keeps its changes, and `unquiesce` has run.
 */
export async function protectGroup(
  deps: ProtectDeps,
  group: GroupSpec,
  options: GroupOptions,
): Promise<GroupCycle> {
  const members: Member[] = [];
  let resynced = false;
  for (const source of group.volumes) {
    const counters: BaseCounters = { bytesRead: 0 };
    const newest = await deps.points.newest(deps.environment, source.volume);
    const base = await baseOf(deps.repo, newest, counters);
    const member: Member = {
      source,
      counters,
      sourceBytesBefore: source.counters.bytesRead,
      firstPoint: base === null,
      base,
    };
    if (source.instant === "cut" && (await source.resyncs?.(base))) {
      const fuzzy = await source.changes(base);
      if (!fuzzy.consistent) {
        const stored = await storeChanges(deps, source, base, fuzzy);
        member.base = await openBaseImage(deps.repo, stored.snapshot, null, counters, fuzzy.meta);
        resynced = true;
      }
    }
    members.push(member);
  }
  const take = async (member: Member, at: Date): Promise<void> => {
    if (options.signal?.aborted) throw new LifeboatError("LB_CANCELLED", "group cycle cancelled");
    const changes = await member.source.changes(member.base, { at });
    if (!changes.consistent) {
      // The journal restarted between the check and the cut: the next cycle resynchronises.
      throw new LifeboatError(
        "LB_VOLUME_UNAVAILABLE",
        `${member.source.volume}: the journal restarted during the group cycle`,
        { details: { volume: member.source.volume, group: group.id } },
      );
    }
    const stamped = { ...changes, at };
    member.stored = await storeChanges(deps, member.source, member.base, stamped);
    member.changes = await keepWrites(deps, member.source, member.base, stamped);
  };
  const captured: { member: CaptureMember; stored: BackupResult }[] = [];
  const ref: ConsistencyGroup = {
    id: group.id,
    environment: deps.environment,
    volumes: group.volumes.map((v) => v.volume),
    databases: (group.captures ?? []).map((c) => c.source),
  };
  const at = await withQuiesce(
    options.hooks ?? noQuiesce,
    ref,
    async () => {
      const now = options.clock.now();
      const instant = options.at !== undefined && !resynced ? options.at : now;
      for (const member of members.filter((m) => m.source.instant !== "cut")) {
        await take(member, instant);
      }
      for (const member of group.captures ?? []) {
        captured.push({ member, stored: await member.capture(instant, options.signal) });
      }
      return instant;
    },
    options.signal,
  );
  for (const member of members.filter((m) => m.source.instant === "cut")) await take(member, at);

  const groupId = options.groupId ?? `${group.id}@${at.toISOString()}`;
  const done = members.map((m) => {
    if (!m.changes || !m.stored) throw new BugError(`${m.source.volume} was not captured`);
    return { ...m, changes: m.changes, stored: m.stored };
  });
  const rows: NewPoint[] = [
    ...done.map((m) => pointOf(deps, m.source, m.changes, m.stored, groupId)),
    ...captured.map(({ member, stored }) => ({
      environment: deps.environment,
      source: member.source,
      kind: member.kind,
      method: member.method,
      at,
      snapshotId: stored.snapshot,
      sizeBytes: stored.size,
      changedBytes: stored.size,
      groupId,
      meta: {},
    })),
  ];
  const points = await deps.points.recordGroup(rows);
  for (const m of done) await m.changes.commit();
  return {
    groupId,
    at,
    volumes: done.map((m, i) => ({
      point: points[i]!,
      backup: m.stored,
      sourceBytesRead: m.source.counters.bytesRead - m.sourceBytesBefore,
      baseBytesRead: m.counters.bytesRead,
      full: m.firstPoint || m.changes.ranges === null,
    })),
    captures: points.slice(done.length),
  };
}

import { LifeboatError } from "../model/errors.js";

/** A retention policy (restic's `forget` rules); counts are per group of snapshots. */
export interface ForgetPolicy {
  readonly last?: number;
  readonly hourly?: number;
  readonly daily?: number;
  readonly weekly?: number;
  readonly monthly?: number;
  readonly yearly?: number;
  /** Keep everything newer than the group's newest snapshot minus this many milliseconds. */
  readonly withinMs?: number;
  /** Keep every snapshot that has any of these tags. */
  readonly tags?: readonly string[];
}

export interface PolicySnapshot {
  readonly id: string;
  readonly time: string;
  readonly tags?: readonly string[];
}

export interface PolicyDecision<S extends PolicySnapshot> {
  readonly keep: { snapshot: S; reasons: string[] }[];
  readonly remove: S[];
}

type Bucket = "hourly" | "daily" | "weekly" | "monthly" | "yearly";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The calendar bucket of a time, in UTC, so the answer does not depend on where prune runs. */
function bucketOf(rule: Bucket, time: Date): string {
  const y = time.getUTCFullYear();
  const m = pad(time.getUTCMonth() + 1);
  const d = pad(time.getUTCDate());
  switch (rule) {
    case "hourly":
      return `${y}-${m}-${d}T${pad(time.getUTCHours())}`;
    case "daily":
      return `${y}-${m}-${d}`;
    case "weekly": {
      // ISO 8601 week: the week belongs to the year of its Thursday.
      const t = new Date(Date.UTC(y, time.getUTCMonth(), time.getUTCDate()));
      const day = t.getUTCDay() || 7;
      t.setUTCDate(t.getUTCDate() + 4 - day);
      const start = Date.UTC(t.getUTCFullYear(), 0, 1);
      const week = Math.ceil(((t.getTime() - start) / 86_400_000 + 1) / 7);
      return `${t.getUTCFullYear()}-W${pad(week)}`;
    }
    case "monthly":
      return `${y}-${m}`;
    case "yearly":
      return String(y);
  }
}

/**
 * Decides which snapshots of ONE group (same host, source and kind) a policy keeps, like
 * restic: walking from newest to oldest, a bucket rule with count n keeps the newest snapshot
 * of each of the n most recent buckets that have one; `last` keeps the n newest; `withinMs`
 * keeps those close to the newest snapshot (not to "now", so an idle system keeps its history).
 * A snapshot is kept if any rule keeps it. An empty policy is refused rather than removing all.
 * Pure: no clock, no I/O.
 */
export function applyPolicy<S extends PolicySnapshot>(
  snapshots: readonly S[],
  policy: ForgetPolicy,
): PolicyDecision<S> {
  const counts: [keyof ForgetPolicy, number | undefined][] = [
    ["last", policy.last],
    ["hourly", policy.hourly],
    ["daily", policy.daily],
    ["weekly", policy.weekly],
    ["monthly", policy.monthly],
    ["yearly", policy.yearly],
  ];
  for (const [name, n] of counts) {
    if (n !== undefined && (!Number.isInteger(n) || n < 0)) {
      throw new LifeboatError("LB_INVALID_INPUT", `--keep-${name} must be a non-negative integer`);
    }
  }
  const empty =
    counts.every(([, n]) => !n) &&
    !(policy.withinMs !== undefined && policy.withinMs > 0) &&
    !policy.tags?.length;
  if (empty) {
    throw new LifeboatError("LB_INVALID_INPUT", "the retention policy keeps nothing", {
      remedy:
        "Pass at least one --keep-* option; use `repo snapshots` and remove snapshots by id to delete all.",
    });
  }
  const sorted = [...snapshots].sort(
    (a, b) => Date.parse(b.time) - Date.parse(a.time) || b.id.localeCompare(a.id),
  );
  const reasons = new Map<S, string[]>();
  const keep = (s: S, why: string) => {
    const list = reasons.get(s) ?? [];
    list.push(why);
    reasons.set(s, list);
  };
  sorted.slice(0, policy.last ?? 0).forEach((s) => keep(s, "last"));
  for (const rule of ["hourly", "daily", "weekly", "monthly", "yearly"] as const) {
    let left = policy[rule] ?? 0;
    let previous: string | undefined;
    for (const s of sorted) {
      if (left === 0) break;
      const bucket = bucketOf(rule, new Date(s.time));
      if (bucket === previous) continue;
      previous = bucket;
      keep(s, `${rule} ${bucket}`);
      left--;
    }
  }
  const newest = sorted[0];
  if (policy.withinMs !== undefined && newest !== undefined) {
    const from = Date.parse(newest.time) - policy.withinMs;
    for (const s of sorted) if (Date.parse(s.time) >= from) keep(s, "within");
  }
  for (const s of sorted) {
    const tag = s.tags?.find((t) => policy.tags?.includes(t));
    if (tag !== undefined) keep(s, `tag ${tag}`);
  }
  return {
    keep: sorted
      .filter((s) => reasons.has(s))
      .map((s) => ({ snapshot: s, reasons: reasons.get(s)! })),
    remove: sorted.filter((s) => !reasons.has(s)),
  };
}

/** Groups snapshots by host, source and kind; forget applies the policy to each group. */
export function groupForForget<
  S extends PolicySnapshot & { host: string; source: string; kind: string },
>(snapshots: readonly S[]): Map<string, S[]> {
  const groups = new Map<string, S[]>();
  for (const s of snapshots) {
    const key = JSON.stringify([s.host, s.source, s.kind]);
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return groups;
}

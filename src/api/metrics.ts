import { lifeboatVersion } from "../cli/version.js";
import { listDecisions } from "../watch/store-decision-sink.js";
import { latestInventoryVersion } from "../store/inventory-versions-repo.js";
import { listRuns } from "../store/runs-repo.js";
import type { ApiDeps, ApiEnvironment } from "./api-deps.js";
import { environmentHealth, healthValues } from "./environment-summary.js";

/** One sample: a metric name, its labels and value. */
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Help and type of every metric, in output order (docs/api.md, "Metrics"). */
const families: readonly (readonly [name: string, type: "gauge" | "counter", help: string])[] = [
  ["lifeboat_info", "gauge", "Lifeboat version (always 1)."],
  ["lifeboat_scheduler_leader", "gauge", "1 when this server holds the scheduler lease."],
  ["lifeboat_capture_age_seconds", "gauge", "Age of the newest capture (its lastSeenAt)."],
  ["lifeboat_inventory_version", "gauge", "Newest inventory version number."],
  ["lifeboat_recovery_point_age_seconds", "gauge", "Age of the newest data recovery point."],
  ["lifeboat_rpo_budget_seconds", "gauge", "The environment's RPO budget (smallest protect rpo)."],
  ["lifeboat_environment_health", "gauge", "1 for the environment's current health value."],
  ["lifeboat_probe_up", "gauge", "1 when the probe's latest recorded result was OK."],
  ["lifeboat_runs", "gauge", "Runs by environment, mode and phase."],
  ["lifeboat_run_duration_seconds_sum", "gauge", "Summed wall time of ended runs."],
  ["lifeboat_run_duration_seconds_count", "gauge", "Ended runs counted in the sum."],
  ["lifeboat_last_run_duration_seconds", "gauge", "Wall time (RTO) of the newest ended run."],
  ["lifeboat_repository_up", "gauge", "1 when the repository could be read for these stats."],
  ["lifeboat_repository_stored_bytes", "gauge", "Bytes the repository's packs take in storage."],
  ["lifeboat_repository_logical_bytes", "gauge", "Sum of the snapshots' logical sizes."],
  ["lifeboat_repository_snapshots", "gauge", "Snapshots in the repository."],
];

const escape = (value: string) =>
  value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

/** The Prometheus text exposition (version 0.0.4) of `samples`. */
export function renderMetrics(samples: readonly Sample[]): string {
  const lines: string[] = [];
  for (const [name, type, help] of families) {
    const mine = samples.filter((s) => s.name === name);
    if (mine.length === 0) continue;
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const s of mine) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${escape(v)}"`)
        .join(",");
      lines.push(`${name}${labels ? `{${labels}}` : ""} ${s.value}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

async function environmentSamples(
  deps: ApiDeps,
  e: ApiEnvironment,
  now: number,
): Promise<Sample[]> {
  const env = { environment: e.name, tenant: e.tenant };
  const samples: Sample[] = [];
  const add = (name: string, value: number, labels: Record<string, string> = {}) =>
    samples.push({ name, labels: { ...env, ...labels }, value });
  const latest = await latestInventoryVersion(deps.store, e.name);
  if (latest) {
    add("lifeboat_capture_age_seconds", (now - latest.lastSeenAt.getTime()) / 1000);
    add("lifeboat_inventory_version", latest.version);
  }
  const point = await deps.recoveryPoints?.newest(e.name);
  if (point) add("lifeboat_recovery_point_age_seconds", (now - point.at.getTime()) / 1000);
  if (e.rpoBudgetMs !== null) add("lifeboat_rpo_budget_seconds", e.rpoBudgetMs / 1000);
  const health = await environmentHealth(deps, e.name);
  for (const value of healthValues) {
    add("lifeboat_environment_health", value === health ? 1 : 0, { health: value });
  }
  const newest = (await listDecisions(deps.store, e.name)).at(-1)?.decision;
  for (const result of newest?.evidence ?? []) {
    add("lifeboat_probe_up", result.code === "OK" ? 1 : 0, {
      probe: result.probeId,
      code: result.code,
    });
  }
  const runs = await listRuns(deps.store, { environment: e.name });
  const groups = new Map<string, { mode: string; phase: string; n: number }>();
  const durations = new Map<string, { sum: number; count: number; last?: number }>();
  for (const run of runs) {
    const key = `${run.mode}/${run.phase}`;
    const group = groups.get(key) ?? { mode: run.mode, phase: run.phase, n: 0 };
    group.n += 1;
    groups.set(key, group);
    if (run.startedAt && run.finishedAt) {
      const seconds = (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000;
      const d = durations.get(run.mode) ?? { sum: 0, count: 0 };
      d.sum += seconds;
      d.count += 1;
      d.last ??= seconds; // runs come newest first
      durations.set(run.mode, d);
    }
  }
  for (const g of groups.values()) add("lifeboat_runs", g.n, { mode: g.mode, phase: g.phase });
  for (const [mode, d] of durations) {
    add("lifeboat_run_duration_seconds_sum", d.sum, { mode });
    add("lifeboat_run_duration_seconds_count", d.count, { mode });
    if (d.last !== undefined) add("lifeboat_last_run_duration_seconds", d.last, { mode });
  }
  return samples;
}

/**
 * Collects every metric for `environments` from the store (and the repository's stats): cheap
 * reads only, no provider call. A repository that cannot be read shows as
 * `lifeboat_repository_up 0` instead of failing the scrape.
 */
export async function collectMetrics(
  deps: ApiDeps,
  environments: readonly ApiEnvironment[],
): Promise<string> {
  const now = deps.clock.now().getTime();
  const samples: Sample[] = [
    { name: "lifeboat_info", labels: { version: lifeboatVersion }, value: 1 },
  ];
  const scheduler = deps.scheduler?.();
  if (scheduler) {
    samples.push({
      name: "lifeboat_scheduler_leader",
      labels: { owner: scheduler.owner },
      value: scheduler.leader ? 1 : 0,
    });
  }
  for (const e of environments) samples.push(...(await environmentSamples(deps, e, now)));
  const stats = await deps.repositoryStats().catch(() => undefined);
  samples.push({ name: "lifeboat_repository_up", labels: {}, value: stats ? 1 : 0 });
  if (stats) {
    samples.push(
      { name: "lifeboat_repository_stored_bytes", labels: {}, value: stats.storedBytes },
      { name: "lifeboat_repository_logical_bytes", labels: {}, value: stats.logicalBytes },
      { name: "lifeboat_repository_snapshots", labels: {}, value: stats.snapshots },
    );
  }
  return renderMetrics(samples);
}

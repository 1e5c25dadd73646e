import { withStateStore } from "../../composition.js";
import { environmentNamed } from "../../config/config-lookups.js";
import { LifeboatError } from "../../model/errors.js";
import type { RecoveryPoint } from "../../model/recovery-point.js";
import type { StagedSnapshot } from "../../model/staged-snapshot.js";
import { listRecoveryPoints } from "../../store/recovery-points-repo.js";
import { listStagedSnapshots } from "../../store/staged-snapshots-repo.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";

/** One recovery point in `--json` output (docs/cli-json.md, "PointJson"). */
export interface PointJson {
  readonly id: string;
  readonly source: string;
  readonly kind: RecoveryPoint["kind"];
  readonly method: RecoveryPoint["method"];
  readonly at: string;
  readonly createdAt: string;
  readonly snapshot: string;
  readonly sizeBytes: number;
  readonly changedBytes: number;
  readonly groupId: string | null;
  /** Pre-staged mode: the provider snapshots holding this point, one per target. */
  readonly staged: readonly StagedJson[];
}

/** A point's staged snapshot (docs/hydration.md, "Pre-staged mode"). */
export interface StagedJson {
  readonly target: string;
  readonly region: string;
  readonly snapshotId: string;
  readonly mode: StagedSnapshot["mode"];
  readonly blocksWritten: number;
  readonly stagedAt: string;
}

/** How far a source's staged chain in one target lags its points. */
export interface StagingLagJson {
  readonly source: string;
  readonly target: string;
  readonly region: string;
  /** `at` of the newest staged point. */
  readonly stagedPointAt: string;
  /** Points of the source newer than the newest staged one (0: up to date). */
  readonly pointsBehind: number;
}

/** `--json` output of `points` (docs/cli-json.md). */
export interface PointsJson {
  readonly ok: true;
  readonly environment: string;
  /** With `--at`: the time asked for; each source's newest point at or before it. */
  readonly at: string | null;
  /** Newest first. */
  readonly points: readonly PointJson[];
  /** One entry per source and pre-staging target. */
  readonly staging: readonly StagingLagJson[];
}

const pointJson = (p: RecoveryPoint, staged: readonly StagedSnapshot[]): PointJson => ({
  id: p.id,
  source: p.source,
  kind: p.kind,
  method: p.method,
  at: p.at.toISOString(),
  createdAt: p.createdAt.toISOString(),
  snapshot: p.snapshotId,
  sizeBytes: p.sizeBytes,
  changedBytes: p.changedBytes,
  groupId: p.groupId,
  staged: staged
    .filter((s) => s.pointId === p.id)
    .map((s) => ({
      target: s.target,
      region: s.region,
      snapshotId: s.snapshotId,
      mode: s.mode,
      blocksWritten: s.blocksWritten,
      stagedAt: s.stagedAt.toISOString(),
    })),
});

/** The newest staged point of each (source, target) and how many points are newer. */
function stagingLag(
  points: readonly RecoveryPoint[],
  staged: readonly StagedSnapshot[],
): StagingLagJson[] {
  const lags = new Map<string, StagingLagJson>();
  for (const s of staged) {
    const key = `${s.source}\n${s.target}`;
    if (lags.has(key)) continue; // newest first
    lags.set(key, {
      source: s.source,
      target: s.target,
      region: s.region,
      stagedPointAt: s.pointAt.toISOString(),
      pointsBehind: points.filter((p) => p.source === s.source && p.at > s.pointAt).length,
    });
  }
  return [...lags.values()];
}

export function parseInstant(text: string, flag: string): Date {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new LifeboatError("LB_USAGE", `${flag} ${JSON.stringify(text)} is not a time`, {
      remedy: `Give ${flag} an ISO 8601 time, e.g. 2026-03-01T10:00:00Z.`,
    });
  }
  return new Date(ms);
}

const bytes = (n: number): string =>
  n >= 1024 ** 3
    ? `${(n / 1024 ** 3).toFixed(2)} GiB`
    : n >= 1024 ** 2
      ? `${(n / 1024 ** 2).toFixed(1)} MiB`
      : `${(n / 1024).toFixed(1)} KiB`;

function human(r: PointsJson): string {
  if (r.points.length === 0) {
    return r.at === null
      ? `${r.environment} has no recovery points yet (run \`lifeboat agent\`)`
      : `${r.environment} has no recovery point at or before ${r.at}`;
  }
  const lines = [`${r.environment}: ${r.points.length} recovery point(s), newest first`];
  for (const p of r.points) {
    const group = p.groupId ? `  group ${p.groupId}` : "";
    const staged = p.staged.map((s) => `  staged ${s.region} ${s.snapshotId}`).join("");
    lines.push(
      `  ${p.at}  ${p.source}  ${p.kind}/${p.method}  size ${bytes(p.sizeBytes)}  changed ${bytes(p.changedBytes)}  ${p.snapshot.slice(0, 12)}${group}${staged}`,
    );
  }
  for (const l of r.staging) {
    if (l.pointsBehind > 0) {
      lines.push(`  ${l.source}: pre-staging in ${l.region} is ${l.pointsBehind} point(s) behind`);
    }
  }
  return lines.join("\n");
}

interface PointsOptions extends GlobalOptions {
  readonly at?: string;
  readonly source?: string;
}

/** `lifeboat points <env>`: the environment's recovery points (time, kind, size, changed bytes). */
export const registerPoints: RegisterCommand = (program, io) => {
  program
    .command("points")
    .description("List an environment's recovery points: time, kind, method, size, changed bytes.")
    .argument("<env>", "environment name from the config")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--at <time>", "only the point each source had at this time (ISO 8601)")
    .option("--source <id>", "only this volume id or database name")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (env: string, options: PointsOptions) => {
      await runAction(io, options.json, async () => {
        const at = options.at === undefined ? undefined : parseInstant(options.at, "--at");
        await withStateStore({ config: options.config }, async (store, loaded) => {
          environmentNamed(loaded, env);
          let points = await listRecoveryPoints(store, env, {
            ...(options.source !== undefined ? { source: options.source } : {}),
            ...(at !== undefined ? { before: at } : {}),
          });
          const all = points;
          const staged = await listStagedSnapshots(store, env, {
            ...(options.source !== undefined ? { source: options.source } : {}),
          });
          if (at !== undefined) {
            const seen = new Set<string>();
            points = points.filter((p) => !seen.has(p.source) && seen.add(p.source));
          }
          const result: PointsJson = {
            ok: true,
            environment: env,
            at: at?.toISOString() ?? null,
            points: points.map((p) => pointJson(p, staged)),
            staging: stagingLag(all, staged),
          };
          printResult(io, options.json, result, human);
        });
      });
    });
};

import type { VersionRef } from "../../capture/stored-versions.js";
import { parseVersionRef } from "../../capture/stored-versions.js";
import { LifeboatError } from "../../model/errors.js";
import type { Plan, RecoveryMode } from "../../model/plan/index.js";
import {
  planReport,
  renderPlanText,
  type PlanReport,
  type TargetSelection,
} from "../../plan/index.js";
import { planEnvironment } from "../../recover/index.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { withRecovery } from "../../composition.js";

/** Options `plan` and `recover` share. */
export interface RecoveryOptions extends GlobalOptions {
  readonly target?: string;
  readonly at?: string;
  readonly version?: string;
  readonly only?: readonly string[];
  /** `--hydrate` entries, or false after `--no-hydrate`. */
  readonly hydrate?: readonly string[] | false;
}

/**
 * `--hydrate <volume>=<snapshot>` (repeatable): the repository image snapshot (64 hex) holding
 * a volume's recovery point; the volume is then hydrated in the target (docs/hydration.md).
 * `vol-123` and `volume:vol-123` both name the volume.
 */
export function volumeDataOf(
  values: readonly string[] | false | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values || []) {
    const match = /^(?:volume:)?([^=\s]+)=([0-9a-f]{64})$/.exec(value);
    if (!match) {
      throw new LifeboatError("LB_USAGE", `--hydrate ${value} is not <volume-id>=<snapshot-id>`, {
        remedy: "Give e.g. --hydrate vol-0abc=<64-hex snapshot id from `lifeboat repo snapshots`>.",
      });
    }
    out[`volume:${match[1]}`] = match[2]!;
  }
  return out;
}

/** `--version N` or `--at <time>` (not both); default the latest version. */
export function pointOf(options: RecoveryOptions): VersionRef {
  if (options.version !== undefined && options.at !== undefined) {
    throw new LifeboatError("LB_USAGE", "give either --version or --at, not both");
  }
  if (options.version !== undefined) return parseVersionRef(options.version, "--version");
  if (options.at !== undefined) {
    const at = new Date(options.at);
    if (Number.isNaN(at.getTime())) {
      throw new LifeboatError("LB_USAGE", `--at ${options.at} is not a time`, {
        remedy: "Give an ISO-8601 time, e.g. 2026-11-22T01:00:00Z.",
      });
    }
    return { at };
  }
  return { latest: true };
}

/**
 * `--only` values as a plan selection: `key=value` is a tag, `kind:provider-id` a logical id,
 * anything else a resource kind. Absent → everything.
 */
export function selectionOf(only: readonly string[] | undefined): object | undefined {
  if (only === undefined || only.length === 0) return undefined;
  const kinds: string[] = [];
  const ids: string[] = [];
  const tags: Record<string, string> = {};
  for (const item of only.flatMap((o) => o.split(","))) {
    const eq = item.indexOf("=");
    if (eq > 0) tags[item.slice(0, eq)] = item.slice(eq + 1);
    else if (item.includes(":")) ids.push(item);
    else if (item !== "") kinds.push(item);
  }
  return { kinds, ids, tags };
}

export const collect = (value: string, previous: string[] | false = []): string[] => [
  ...(previous || []),
  value,
];

/**
 * `--hydrate` and `--no-hydrate` as a plan request: explicit entries, and whether volumes with
 * recovery points are hydrated by default (docs/hydration.md). `--no-hydrate` wins.
 */
export function hydrationOf(options: RecoveryOptions): {
  volumeData: Record<string, string>;
  hydrate: boolean;
} {
  return {
    volumeData: volumeDataOf(options.hydrate),
    hydrate: options.hydrate !== false,
  };
}

export const hydrateHelp = "hydrate a volume from a repository image snapshot (repeatable)";
export const noHydrateHelp =
  "do not hydrate volumes from their recovery points by default (they are made empty)";

/** `--json` output of `plan` (docs/cli-json.md). */
export interface PlanJson {
  readonly ok: true;
  readonly environment: string;
  readonly recoveryPoint: { readonly version: number; readonly capturedAt: string };
  readonly summary: PlanReport["summary"];
  readonly plan: Plan;
  /** How the target was chosen from `recovery.targets`; absent with a single target. */
  readonly targetSelection?: TargetSelection;
}

/** One line per candidate judged: chosen, or skipped and why. */
export function renderTargetSelection(selection: TargetSelection | undefined): string[] {
  if (selection === undefined) return [];
  return selection.considered.map((v) =>
    v.chosen
      ? `target ${v.connection}: chosen`
      : `target ${v.connection}: skipped (${v.reasons.join("; ")})`,
  );
}

function modeOf(mode: string | undefined): RecoveryMode {
  if (mode === undefined || mode === "failover" || mode === "drill") return mode ?? "failover";
  throw new LifeboatError("LB_USAGE", `--mode ${mode}: use failover or drill`);
}

/** `lifeboat plan <env>`: the dry run; pre-flight problems → exit 2, nothing created. */
export const registerPlan: RegisterCommand = (program, io) => {
  program
    .command("plan")
    .description("Show the recovery plan of an environment (a dry run: nothing is created).")
    .argument("<env>", "environment name from the config")
    .option("--target <conn>", "target provider connection (default: recovery.target)")
    .option("--at <time>", "recover the inventory version in effect at this ISO-8601 time")
    .option("--version <n>", "recover this inventory version (default: the latest)")
    .option("--only <sel>", "kind, logical id or tag=value to bring up (repeatable)", collect)
    .option("--mode <mode>", "failover or drill", "failover")
    .option("--hydrate <vol=snap>", hydrateHelp, collect)
    .option("--no-hydrate", noHydrateHelp)
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (env: string, options: RecoveryOptions & { mode?: string }) => {
      await runAction(io, options.json, async () => {
        const mode = modeOf(options.mode);
        const point = pointOf(options);
        const selection = selectionOf(options.only);
        await withRecovery(
          env,
          {
            config: options.config,
            target: options.target,
            planning: { point, ...(selection === undefined ? {} : { selection }) },
          },
          async (deps) => {
            const planned = await planEnvironment(deps, {
              point,
              mode,
              ...hydrationOf(options),
              ...(selection === undefined ? {} : { selection }),
            });
            const result: PlanJson = {
              ok: true,
              environment: env,
              recoveryPoint: {
                version: planned.version.version,
                capturedAt: planned.version.capturedAt.toISOString(),
              },
              summary: planReport(planned.plan).summary,
              plan: planned.plan,
              ...(planned.targetSelection === undefined
                ? {}
                : { targetSelection: planned.targetSelection }),
            };
            printResult(io, options.json, result, (r) =>
              [
                `${env} version ${r.recoveryPoint.version} (captured ${r.recoveryPoint.capturedAt})` +
                  ` → ${r.plan.target.connection} ${r.plan.target.region}, mode ${r.plan.mode}`,
                ...renderTargetSelection(r.targetSelection),
                renderPlanText(r.plan),
                "Dry run: nothing was created. Run `lifeboat recover` to execute this plan.",
              ].join("\n"),
            );
          },
        );
      });
    });
};

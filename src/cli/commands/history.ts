import type { InventoryVersion } from "../../capture/version-ports.js";
import { withEnvironment } from "../../composition.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";

/** One inventory version in `--json` output (docs/cli-json.md, "VersionJson"). */
export interface VersionJson {
  readonly version: number;
  readonly capturedAt: string;
  readonly lastSeenAt: string;
  readonly digest: string;
  readonly snapshot: string;
  readonly resources: number;
  readonly counts: Readonly<Record<string, number>>;
  /** Present on a version that is not a capture of the primary (`copy:<failover run>`). */
  readonly label?: string;
}

export function versionJson(v: InventoryVersion): VersionJson {
  return {
    version: v.version,
    capturedAt: v.capturedAt.toISOString(),
    lastSeenAt: v.lastSeenAt.toISOString(),
    digest: v.digest,
    snapshot: v.snapshotId,
    resources: Object.values(v.counts).reduce((a, b) => a + b, 0),
    counts: v.counts,
    ...(v.label === undefined ? {} : { label: v.label }),
  };
}

/** `kind n, kind n` in the order given. */
export function countsText(counts: Readonly<Record<string, number>>): string {
  return (
    Object.entries(counts)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(", ") || "no resources"
  );
}

/** `--json` output of `history` (docs/cli-json.md). */
export interface HistoryJson {
  readonly ok: true;
  readonly environment: string;
  /** Newest first. */
  readonly versions: readonly VersionJson[];
}

function human(h: HistoryJson): string {
  if (h.versions.length === 0) {
    return `${h.environment} has no inventory versions yet (run \`lifeboat capture ${h.environment}\`)`;
  }
  const lines = [`${h.environment}: ${h.versions.length} inventory version(s), newest first`];
  for (const v of h.versions) {
    lines.push(
      `  v${v.version}  captured ${v.capturedAt}  last seen ${v.lastSeenAt}  ${v.digest.slice(0, 19)}${v.label === undefined ? "" : `  [${v.label}]`}`,
      `       ${v.resources} resources: ${countsText(v.counts)}`,
    );
  }
  return lines.join("\n");
}

/** `lifeboat history <env>`: the environment's inventory versions with time, digest, counts. */
export const registerHistory: RegisterCommand = (program, io) => {
  program
    .command("history")
    .description("List an environment's inventory versions: time, digest, counts, last seen.")
    .argument("<env>", "environment name from the config")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (env: string, options: GlobalOptions) => {
      await runAction(io, options.json, () =>
        withEnvironment(env, { config: options.config }, async (services) => {
          const versions = await services.index.list(env);
          const result: HistoryJson = {
            ok: true,
            environment: env,
            versions: versions.map(versionJson),
          };
          printResult(io, options.json, result, human);
        }),
      );
    });
};

import { loadVersion, parseVersionRef, type VersionRef } from "../../capture/stored-versions.js";
import { withEnvironment } from "../../composition.js";
import { LifeboatError } from "../../model/errors.js";
import type { Inventory } from "../../model/inventory/index.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { versionJson, type VersionJson } from "./history.js";

interface InventoryOptions extends GlobalOptions {
  readonly version?: string;
  readonly at?: string;
}

/** `--json` output of `inventory` (docs/cli-json.md). */
export interface InventoryJson {
  readonly ok: true;
  readonly environment: string;
  readonly version: VersionJson;
  /** The stored inventory, exactly as captured (docs/inventory.md). */
  readonly inventory: Inventory;
}

function refOf(options: InventoryOptions): VersionRef {
  if (options.version !== undefined && options.at !== undefined) {
    throw new LifeboatError("LB_USAGE", "give either --version or --at, not both");
  }
  if (options.version !== undefined) {
    const ref = parseVersionRef(options.version, "--version");
    if (!("version" in ref) && !("latest" in ref)) {
      throw new LifeboatError("LB_USAGE", `--version ${options.version} is not a version number`);
    }
    return ref;
  }
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

function human(r: InventoryJson): string {
  const { inventory: inv, version: v } = r;
  const lines = [
    `${r.environment} version ${v.version}: ${inv.provider} account ${inv.account} ${inv.region}`,
    `  captured ${v.capturedAt}, last seen ${v.lastSeenAt}, ${v.digest}`,
  ];
  const byKind = new Map<string, Inventory["resources"]>();
  for (const resource of inv.resources) {
    byKind.set(resource.kind, [...(byKind.get(resource.kind) ?? []), resource]);
  }
  for (const [kind, resources] of byKind) {
    lines.push(`${kind} (${resources.length})`);
    for (const r of resources) {
      const where = r.location.zone ?? r.location.region;
      lines.push(`  ${r.id}  "${r.name}"  ${where}`);
    }
  }
  if (inv.externals.length > 0) {
    lines.push(`external references (${inv.externals.length})`);
    for (const x of inv.externals) lines.push(`  ${x.id}  ${x.reason}`);
  }
  return lines.join("\n");
}

/** `lifeboat inventory <env>`: print one stored version (default the latest). */
export const registerInventory: RegisterCommand = (program, io) => {
  program
    .command("inventory")
    .description("Print one inventory version of an environment, resources grouped by kind.")
    .argument("<env>", "environment name from the config")
    .option("--version <n>", "the version number (default: the latest)")
    .option("--at <time>", "the version in effect at this ISO-8601 time")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (env: string, options: InventoryOptions) => {
      await runAction(io, options.json, () => {
        const ref = refOf(options);
        return withEnvironment(env, { config: options.config }, async (services) => {
          const archive = await services.archive();
          const loaded = await loadVersion({ archive, index: services.index }, env, ref);
          const result: InventoryJson = {
            ok: true,
            environment: env,
            version: versionJson(loaded.version),
            inventory: loaded.inventory,
          };
          printResult(io, options.json, result, human);
        });
      });
    });
};

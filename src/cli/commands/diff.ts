import { diffVersions, parseVersionRef } from "../../capture/stored-versions.js";
import { withEnvironment } from "../../composition.js";
import { isEmptyDiff, type FieldChange, type InventoryDiff } from "../../model/inventory/index.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { versionJson, type VersionJson } from "./history.js";

/** `--json` output of `diff` (docs/cli-json.md): the two versions and `InventoryDiff`'s lists. */
export interface DiffJson extends InventoryDiff {
  readonly ok: true;
  readonly environment: string;
  readonly from: VersionJson;
  readonly to: VersionJson;
  /** True when the two versions hold the same inventory. */
  readonly identical: boolean;
}

const show = (value: unknown) => JSON.stringify(value);

function changeText(c: FieldChange): string {
  if (!("old" in c)) return `${c.path}: + ${show(c.new)}`;
  if (!("new" in c)) return `${c.path}: - ${show(c.old)}`;
  return `${c.path}: ${show(c.old)} -> ${show(c.new)}`;
}

function human(d: DiffJson): string {
  const lines = [`${d.environment}: version ${d.from.version} -> ${d.to.version}`];
  if (d.identical) return `${lines[0]}: no changes`;
  for (const c of d.header) lines.push(`  inventory ${changeText(c)}`);
  for (const r of d.added) lines.push(`+ ${r.id} "${r.name}"`);
  for (const r of d.removed) lines.push(`- ${r.id} "${r.name}"`);
  for (const r of d.changed) {
    lines.push(`~ ${r.id} "${r.name}"`, ...r.changes.map((c) => `    ${changeText(c)}`));
  }
  for (const id of d.externalsAdded) lines.push(`+ external ${id}`);
  for (const id of d.externalsRemoved) lines.push(`- external ${id}`);
  for (const x of d.externalsChanged) {
    lines.push(`~ external ${x.id}`, ...x.changes.map((c) => `    ${changeText(c)}`));
  }
  lines.push(
    `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed resource(s)`,
  );
  return lines.join("\n");
}

/** `lifeboat diff <env> [from] [to]`: what changed between two inventory versions. */
export const registerDiff: RegisterCommand = (program, io) => {
  program
    .command("diff")
    .description("Show added, removed and changed resources between two inventory versions.")
    .argument("<env>", "environment name from the config")
    .argument("[from]", "version number, `latest` or ISO-8601 time (default: the one before `to`)")
    .argument("[to]", "version number, `latest` or ISO-8601 time (default: the latest)")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(
      async (
        env: string,
        from: string | undefined,
        to: string | undefined,
        options: GlobalOptions,
      ) => {
        await runAction(io, options.json, () => {
          const refs = {
            ...(from === undefined ? {} : { from: parseVersionRef(from, "from") }),
            ...(to === undefined ? {} : { to: parseVersionRef(to, "to") }),
          };
          return withEnvironment(env, { config: options.config }, async (services) => {
            const archive = await services.archive();
            const d = await diffVersions({ archive, index: services.index }, env, refs);
            const result: DiffJson = {
              ok: true,
              environment: env,
              from: versionJson(d.from),
              to: versionJson(d.to),
              identical: isEmptyDiff(d.diff),
              ...d.diff,
            };
            printResult(io, options.json, result, human);
          });
        });
      },
    );
};

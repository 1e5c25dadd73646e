import type { Command } from "commander";
import { summarizeConfig, type ConfigSummary } from "../../config/config-summary.js";
import { loadConfig } from "../../config/load-config.js";
import { commandGroup } from "../command-group.js";
import { printResult, type CliIo, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";

/** `--json` output of `config validate` (docs/cli-json.md). */
export interface ConfigValidateJson {
  readonly ok: true;
  readonly config: ConfigSummary;
}

/** The `config` command group, shared by every `config <verb>` file. */
export function configGroup(program: Command): Command {
  return commandGroup(program, "config", "Check and explain the configuration file.");
}

function human({ config }: ConfigValidateJson): string {
  const { repository: repo } = config;
  const lines = [
    `${config.file} is valid`,
    `  state         ${config.state}`,
    `  repository    ${repo.url}${repo.endpoint ? ` via ${repo.endpoint}` : ""} (password from ${repo.password.from} ${repo.password.name})`,
    `  providers     ${config.providers.map((p) => `${p.name} (${p.type} ${p.region})`).join(", ") || "none"}`,
    `  environments  ${config.environments.length === 0 ? "none" : config.environments.length}`,
    ...config.environments.map(
      (e) =>
        `    ${e.name}: ${e.source} -> ${e.target}, capture every ${e.captureEvery}, ` +
        `${e.protect} protect, ${e.health} health, failover ${e.failover}`,
    ),
  ];
  return lines.join("\n");
}

async function validate(io: CliIo, options: GlobalOptions): Promise<void> {
  const loaded = await loadConfig({ config: options.config, checkSecrets: true });
  const result: ConfigValidateJson = { ok: true, config: summarizeConfig(loaded) };
  printResult(io, options.json, result, human);
}

/** `lifeboat config validate`: exit 0 with a summary, or exit 2 listing every problem. */
export const registerConfigValidate: RegisterCommand = (program, io) => {
  configGroup(program)
    .command("validate")
    .description("Check the config file; list every problem with its key path.")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (options: GlobalOptions) => {
      await runAction(io, options.json, () => validate(io, options));
    });
};

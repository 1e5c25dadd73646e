import { recoveryPointReader, withStateStore } from "../../composition.js";
import { environmentNamed } from "../../config/config-lookups.js";
import type { LoadedConfig } from "../../config/load-config.js";
import { systemClock } from "../../model/clock.js";
import { readEnvironmentStatus } from "../../watch/environment-status.js";
import { rpoBudgetMs } from "../../watch/watch-from-config.js";
import { countFlag } from "../count-flag.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { statusJson, type Connection } from "../status-json.js";
import { renderStatus } from "../status-text.js";

function connection(loaded: LoadedConfig, name: string): Connection {
  const provider = Object.hasOwn(loaded.config.providers, name)
    ? loaded.config.providers[name]
    : undefined;
  return { connection: name, region: provider?.region ?? null };
}

/** `lifeboat status <env>`: status, newest capture and recovery point, incident, decisions, runs. */
export const registerStatus: RegisterCommand = (program, io) => {
  program
    .command("status")
    .description(
      "Show an environment's state: active or failed over, newest capture and recovery point, open incident, latest decisions, runs in progress.",
    )
    .argument("<env>", "environment name from the config")
    .option("--decisions <n>", "how many of the latest decisions to show", "5")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (env: string, options: GlobalOptions & { decisions: string }) => {
      await runAction(io, options.json, () =>
        withStateStore({ config: options.config }, async (store, loaded) => {
          const environment = environmentNamed(loaded, env);
          const report = await readEnvironmentStatus(store, {
            environment: env,
            rpoBudgetMs: rpoBudgetMs(environment.protect),
            recoveryPoints: recoveryPointReader(store),
            clock: systemClock,
            decisions: countFlag("--decisions", options.decisions),
          });
          const result = statusJson(report, {
            source: connection(loaded, environment.source),
            target: connection(loaded, environment.recovery.target),
          });
          printResult(io, options.json, result, renderStatus);
        }),
      );
    });
};

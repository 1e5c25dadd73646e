import { continueRecovery } from "../../recover/index.js";
import { requireRun } from "../../store/runs-repo.js";
import type { GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { finishRecovery } from "./recover.js";
import { withRecovery, withStateStore } from "../../composition.js";

/** `lifeboat resume <id>`: carry a run on after a crash, a failure or a cancel. */
export const registerResume: RegisterCommand = (program, io) => {
  program
    .command("resume")
    .description("Resume a run: finish its steps, verify, and tear a drill down if it asked to.")
    .argument("<id>", "run id")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (id: string, options: GlobalOptions) => {
      await runAction(io, options.json, async () => {
        const { environment, target } = await withStateStore(
          { config: options.config },
          async (s) => {
            const run = await requireRun(s, id);
            const plan = run.plan as { target?: { connection?: string } } | null;
            return { environment: run.environment, target: plan?.target?.connection };
          },
        );
        io.stderr(`run ${id} (resuming)\n`);
        await withRecovery(environment, { config: options.config, target }, async (deps) => {
          finishRecovery(io, options.json, await continueRecovery(deps, id));
        });
      });
    });
};

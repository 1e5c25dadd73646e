import { continueRecovery } from "../../recover/index.js";
import { requireRun } from "../../store/runs-repo.js";
import type { GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { continueFailback } from "../../recover/failback-environment.js";
import { finishFailback } from "./failback.js";
import { finishRecovery } from "./recover.js";
import { withRecovery, withStateStore, withWorkflows } from "../../composition.js";
import { releaseDeadLease } from "../../recover/release-dead-lease.js";
import { finishWorkflow, workflowProgress } from "./workflow.js";

/** `lifeboat resume <id>`: carry a run on after a crash, a failure or a cancel. */
export const registerResume: RegisterCommand = (program, io) => {
  program
    .command("resume")
    .description(
      "Resume a run: finish its steps, verify, and tear a drill down if it asked to (workflow runs: undo open pairs first).",
    )
    .argument("<id>", "run id")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (id: string, options: GlobalOptions) => {
      await runAction(io, options.json, async () => {
        const { environment, target, mode } = await withStateStore(
          { config: options.config },
          async (s) => {
            const run = await requireRun(s, id);
            const plan = run.plan as { target?: { connection?: string } } | null;
            return {
              environment: run.environment,
              target: plan?.target?.connection,
              mode: run.mode,
            };
          },
        );
        if (mode === "workflow") {
          // Workflow runs (docs/workflow-semantics.md): open pairs are undone first.
          io.stderr(`run ${id} (resuming workflow)\n`);
          await withWorkflows({ config: options.config }, async (services) => {
            await releaseDeadLease(services.store, id);
            const runner = services.runner(workflowProgress(io, options.json));
            finishWorkflow(io, options.json, await runner.execute(id));
          });
          return;
        }
        io.stderr(`run ${id} (resuming)\n`);
        await withRecovery(environment, { config: options.config, target }, async (deps) => {
          if (mode === "failback")
            finishFailback(io, options.json, await continueFailback(deps, id));
          else finishRecovery(io, options.json, await continueRecovery(deps, id));
        });
      });
    });
};

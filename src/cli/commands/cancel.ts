import { cancelRun } from "../../execute/cancel-run.js";
import { systemClock } from "../../model/clock.js";
import { releaseDeadLease } from "../../recover/index.js";
import { requireRun } from "../../store/runs-repo.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { withRun, withStateStore } from "../../composition.js";

/** `--json` output of `cancel` (docs/cli-json.md). */
export interface CancelJson {
  readonly ok: true;
  readonly runId: string;
  /** `cancelling` while the executor drains in-flight steps, then `cancelled`. */
  readonly phase: string;
}

/** `lifeboat cancel <id>`: stop a run from any process; no new step starts. */
export const registerCancel: RegisterCommand = (program, io) => {
  program
    .command("cancel")
    .description("Cancel a run (from any shell): no new step starts; then `teardown` it.")
    .argument("<id>", "run id")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (id: string, options: GlobalOptions) => {
      await runAction(io, options.json, async () => {
        const config = { config: options.config };
        // A workflow run has no recovery target: its own runner notices `cancelling` at its
        // next lease renewal, undoes its open pairs and ends `cancelled`
        // (docs/workflow-semantics.md); a dead runner's run finishes cancelling on `resume`.
        const workflow = await withStateStore(config, async (store) => {
          if ((await requireRun(store, id)).mode !== "workflow") return null;
          await releaseDeadLease(store, id);
          return await cancelRun(store, id, systemClock);
        });
        const run =
          workflow ??
          (await withRun(id, config, async ({ executor, store }) => {
            await releaseDeadLease(store, id);
            return await executor.cancel(id);
          }));
        const result: CancelJson = { ok: true, runId: id, phase: run.phase };
        printResult(io, options.json, result, (r) =>
          [
            `run ${r.runId} is ${r.phase}`,
            workflow
              ? `Its open pairs are undone; \`lifeboat run ${r.runId}\` shows the steps.`
              : `Next: \`lifeboat teardown ${r.runId}\` removes what it made.`,
          ].join("\n"),
        );
      });
    });
};

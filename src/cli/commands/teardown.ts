import { recoveryReport, releaseDeadLease } from "../../recover/index.js";
import type { GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { finishRecovery } from "./recover.js";
import { withRun } from "../../composition.js";

/** `lifeboat teardown <id>`: delete exactly what a run made, in reverse order; idempotent. */
export const registerTeardown: RegisterCommand = (program, io) => {
  program
    .command("teardown")
    .description("Delete what a run made (reverse order). Running it again is a no-op.")
    .argument("<id>", "run id of the recovery or drill")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (id: string, options: GlobalOptions) => {
      await runAction(io, options.json, () =>
        withRun(id, { config: options.config }, async (access) => {
          io.stderr(`run ${id} (teardown)\n`);
          await releaseDeadLease(access.store, id);
          await access.executor.teardown(id);
          const report = await recoveryReport(access, id);
          const torn = report.teardown?.phase === "succeeded";
          finishRecovery(io, options.json, report);
          process.exitCode = torn ? 0 : 1;
        }),
      );
    });
};

import { listRuns } from "../../store/runs-repo.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { withStateStore } from "../../composition.js";

/** One row of `runs --json` (docs/cli-json.md). */
export interface RunSummaryJson {
  readonly id: string;
  readonly environment: string;
  readonly mode: string;
  readonly phase: string;
  readonly parentRunId: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface RunsJson {
  readonly ok: true;
  readonly runs: readonly RunSummaryJson[];
}

/** `lifeboat runs [--env]`: recovery, drill and teardown runs, newest first. */
export const registerRuns: RegisterCommand = (program, io) => {
  program
    .command("runs")
    .description("List runs (recoveries, drills, teardowns), newest first.")
    .option("--env <name>", "only this environment's runs")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (options: GlobalOptions & { env?: string }) => {
      await runAction(io, options.json, () =>
        withStateStore({ config: options.config }, async (store) => {
          const runs = await listRuns(
            store,
            options.env === undefined ? {} : { environment: options.env },
          );
          const result: RunsJson = {
            ok: true,
            runs: runs.map((r) => ({
              id: r.id,
              environment: r.environment,
              mode: r.mode,
              phase: r.phase,
              parentRunId: r.parentRunId,
              createdAt: r.createdAt.toISOString(),
              startedAt: r.startedAt?.toISOString() ?? null,
              finishedAt: r.finishedAt?.toISOString() ?? null,
            })),
          };
          printResult(io, options.json, result, (x) =>
            x.runs.length === 0
              ? "no runs"
              : x.runs
                  .map(
                    (r) =>
                      `${r.id}  ${r.environment}  ${r.mode.padEnd(8)} ${r.phase.padEnd(10)} ${r.createdAt}${r.parentRunId ? `  (of ${r.parentRunId})` : ""}`,
                  )
                  .join("\n"),
          );
        }),
      );
    });
};

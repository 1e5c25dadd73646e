import { userInfo } from "node:os";
import { decideApproval } from "../../execute/decide-approval.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { withStateStore } from "../../composition.js";

/** `--json` output of `approve` (docs/cli-json.md). */
export interface ApproveJson {
  readonly ok: true;
  readonly runId: string;
  readonly stepId: string;
  readonly decision: "approved" | "rejected";
  readonly by: string;
  readonly comment: string | null;
  readonly at: string;
}

interface ApproveOptions extends GlobalOptions {
  readonly step?: string;
  readonly reject?: boolean;
  readonly by?: string;
  readonly comment?: string;
}

/** `lifeboat approve <run>`: decide the step a run is waiting at (docs/approvals.md). */
export const registerApprove: RegisterCommand = (program, io) => {
  program
    .command("approve")
    .description("Approve (or --reject) the step a run waits at, e.g. a failover's DNS move.")
    .argument("<run>", "run id")
    .option("--step <id>", "the step to decide (default: the one step waiting now)")
    .option("--reject", "reject instead: the step fails and nothing after it runs")
    .option("--by <name>", "who decides (default: the login name)")
    .option("--comment <text>", "why; kept with the decision")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (runId: string, options: ApproveOptions) => {
      await runAction(io, options.json, () =>
        withStateStore({ config: options.config }, async (store) => {
          const record = await decideApproval(store, {
            runId,
            ...(options.step === undefined ? {} : { stepId: options.step }),
            decision: options.reject ? "rejected" : "approved",
            by: options.by ?? loginName(),
            comment: options.comment ?? null,
          });
          const result: ApproveJson = {
            ok: true,
            runId: record.runId,
            stepId: record.stepId,
            decision: record.decision,
            by: record.by,
            comment: record.comment,
            at: record.at.toISOString(),
          };
          printResult(
            io,
            options.json,
            result,
            (r) =>
              `step ${r.stepId} of run ${r.runId} ${r.decision} by ${r.by} at ${r.at}` +
              (r.decision === "approved"
                ? "\nThe run carries on; follow it with `lifeboat run " + r.runId + "`."
                : "\nThe step fails and nothing after it runs."),
          );
        }),
      );
    });
};

function loginName(): string {
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return "unknown";
  }
}

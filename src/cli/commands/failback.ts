import { withFailback } from "../../composition.js";
import { LifeboatError } from "../../model/errors.js";
import { failbackEnvironment, type FailbackReport } from "../../recover/failback-environment.js";
import { printResult, type CliIo, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { recoveryOk, renderRecoveryReport } from "./run.js";

/** `--json` output of `failback` (and of `resume` on a failback run); docs/cli-json.md. */
export interface FailbackJson extends FailbackReport {
  /** True when the run succeeded, the copy was torn down and the environment is active. */
  readonly ok: boolean;
}

function failbackOk(r: FailbackReport): boolean {
  return (
    recoveryOk(r.report) &&
    r.copyTeardown?.phase === "succeeded" &&
    r.environmentStatus === "active"
  );
}

function dataSyncLines(entries: FailbackReport["dataSync"]): string[] {
  if (entries.length === 0) return ["  data sync-back    no volume was hydrated by the failover"];
  return entries.map((e) => {
    const o = e.outputs ?? {};
    const what =
      e.phase !== "succeeded"
        ? e.phase
        : o.synced !== true
          ? `nothing to sync: ${String(o.reason)}`
          : `point ${String(o.recoveryPoint).slice(0, 12)} → ${String(o.id)}` +
            `${o.attached === true ? ` at ${String(o.machine)} ${String(o.device)}` : ` (not attached: ${String(o.note)})`}` +
            `${typeof o.previousVolume === "string" ? `, kept ${o.previousVolume}` : ""}`;
    return `  data sync-back    ${e.stepId.replace(/^sync-back:/, "")}: ${what} (final delta: ${e.finalDelta})`;
  });
}

/** Prints a failback's outcome; exit 1 unless it ended well. */
export function finishFailback(io: CliIo, json: boolean | undefined, r: FailbackReport): void {
  const result: FailbackJson = { ok: failbackOk(r), ...r };
  printResult(io, json, result, (x) =>
    [
      `${x.ok ? "OK" : "NOT OK"}: failback of ${x.report.environment} (undoing failover ${x.failoverRunId}); environment is ${x.environmentStatus}`,
      `  copy teardown     ${x.copyTeardown ? `run ${x.copyTeardown.runId} ${x.copyTeardown.phase}` : "not started"}`,
      `  copy captured     ${x.copyCapture ? `inventory version ${String(x.copyCapture.version)} (${String(x.copyCapture.label)}, ${String(x.copyCapture.resources)} resources)` : "not yet"}`,
      ...dataSyncLines(x.dataSync),
      `  protection        ${x.protectionEnabled ? "re-enabled (environment active)" : "not yet re-enabled"}`,
      renderRecoveryReport(x.report),
    ].join("\n"),
  );
  if (!result.ok) process.exitCode = 1;
}

/** `lifeboat failback <env> --yes`: give the primary back its traffic and remove the copy. */
export const registerFailback: RegisterCommand = (program, io) => {
  program
    .command("failback")
    .description(
      "Fail back after a failover: capture the copy, rebuild lost primary machines, take the copy's final delta and carry its volumes' newest data home (byte-checked), restore the primary's capacity, move DNS back, tear the copy down, re-enable protection.",
    )
    .argument("<env>", "environment name from the config")
    .option("--yes", "required: a failback moves DNS and deletes the copy")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (env: string, options: GlobalOptions & { yes?: boolean }) => {
      await runAction(io, options.json, async () => {
        if (!options.yes) {
          throw new LifeboatError("LB_USAGE", `failing ${env} back needs --yes`, {
            remedy:
              "Check `lifeboat status <env>` first, then run `lifeboat failback <env> --yes`.",
          });
        }
        await withFailback(env, { config: options.config }, async (deps) => {
          const report = await failbackEnvironment(deps, {
            onRun: (run) =>
              io.stderr(`run ${run.id} (failback of ${env}, undoing ${run.parentRunId})\n`),
          });
          finishFailback(io, options.json, report);
        });
      });
    });
};

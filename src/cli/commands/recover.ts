import { createInterface } from "node:readline/promises";
import { followRunEvents } from "../../execute/event-stream.js";
import { LifeboatError } from "../../model/errors.js";
import type { Plan } from "../../model/plan/index.js";
import { recoverEnvironment, type RecoveryReport } from "../../recover/index.js";
import type { Store } from "../../store/store.js";
import { printResult, type CliIo } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import {
  collect,
  hydrateHelp,
  hydrationOf,
  noHydrateHelp,
  pointOf,
  selectionOf,
  type RecoveryOptions,
} from "./plan.js";
import { withRecovery } from "../../composition.js";
import { recoveryOk, renderRecoveryReport, type RunJson } from "./run.js";

interface RecoverOptions extends RecoveryOptions {
  readonly drill?: boolean;
  readonly approval?: boolean;
  readonly keep?: boolean;
  readonly yes?: boolean;
}

/**
 * A failover changes the target and moves DNS: it needs `--yes`, or an answer on a terminal.
 * Drills need no confirmation: they touch neither DNS nor the primary and tear down after.
 */
async function confirm(
  io: CliIo,
  env: string,
  options: RecoverOptions,
  plan?: Plan,
): Promise<void> {
  if (options.drill || options.yes) return;
  if (!io.isTty || !process.stdin.isTTY) {
    throw new LifeboatError("LB_USAGE", `recovering ${env} needs --yes when not on a terminal`, {
      remedy:
        "Run `lifeboat plan` first to see what will happen, then `lifeboat recover --yes`, or use --drill.",
    });
  }
  if (plan === undefined) return; // asked once the plan is known
  const creates = plan.steps.filter((s) => s.kind === "create" || s.kind === "copy").length;
  const dns = plan.steps.filter((s) => s.kind === "dns" || s.kind === "dns-move").length;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `Fail ${env} over into ${plan.target.connection} (${plan.target.region}): ` +
        `${plan.steps.length} steps, ${creates} resources to create, ${dns} DNS change(s). Type "yes": `,
    );
    if (answer.trim() !== "yes") throw new LifeboatError("LB_CANCELLED", "not confirmed");
  } finally {
    rl.close();
  }
}

/** Step lines on stderr while the run goes (a terminal only): `✓ create:subnet:… 1.2 s`. */
function followProgress(io: CliIo, store: Store, runId: string, signal: AbortSignal): void {
  void (async () => {
    try {
      for await (const e of followRunEvents(store, runId, { signal, pollMs: 250 })) {
        if (!e.stepId) continue;
        const mark = { "step.succeeded": "✓", "step.failed": "✗", "step.started": "…" }[
          e.type as "step.succeeded"
        ];
        if (mark) io.stderr(`${mark} ${e.stepId}\n`);
      }
    } catch {
      // Progress is best effort; the report at the end is what counts.
    }
  })();
}

/** Prints the report and sets exit code 1 unless the recovery ended well. */
export function finishRecovery(io: CliIo, json: boolean | undefined, report: RecoveryReport): void {
  const result: RunJson = { ok: recoveryOk(report), report };
  printResult(io, json, result, (x) => renderRecoveryReport(x.report));
  if (!result.ok) process.exitCode = 1;
}

/** `lifeboat recover <env>`: plan, execute durably, verify; drills then tear down. */
export const registerRecover: RegisterCommand = (program, io) => {
  program
    .command("recover")
    .description("Rebuild an environment in its recovery target (or drill it), verify, report.")
    .argument("<env>", "environment name from the config")
    .option("--drill", "isolated drill: no DNS change, torn down after verification")
    .option("--keep", "drills: keep what was built (tear down later with `lifeboat teardown`)")
    .option("--target <conn>", "target provider connection (default: recovery.target)")
    .option("--at <time>", "recover the inventory version in effect at this ISO-8601 time")
    .option("--version <n>", "recover this inventory version (default: the latest)")
    .option("--only <sel>", "kind, logical id or tag=value to bring up (repeatable)", collect)
    .option("--hydrate <vol=snap>", hydrateHelp, collect)
    .option("--no-hydrate", noHydrateHelp)
    .option("--yes", "do not ask for confirmation (required for a failover off a terminal)")
    .option("--approval", "failover: wait for `lifeboat approve <run>` before moving DNS")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (env: string, options: RecoverOptions) => {
      await runAction(io, options.json, async () => {
        const point = pointOf(options);
        const selection = selectionOf(options.only);
        await confirm(io, env, options);
        await withRecovery(
          env,
          {
            config: options.config,
            target: options.target,
            planning: { point, ...(selection === undefined ? {} : { selection }) },
          },
          async (deps) => {
            const progress = new AbortController();
            try {
              const report = await recoverEnvironment(
                deps,
                {
                  point,
                  mode: options.drill ? "drill" : "failover",
                  keep: options.keep === true,
                  ...hydrationOf(options),
                  approval: options.approval === true,
                  ...(selection === undefined ? {} : { selection }),
                },
                {
                  beforeRun: (plan) => confirm(io, env, options, plan),
                  onRun: (run, plan) => {
                    // First, on stderr: an operator can `resume`/`cancel` from another shell.
                    io.stderr(
                      `run ${run.id} (${run.mode} of ${env}, ${plan.steps.length} steps)\n`,
                    );
                    if (io.isTty && !options.json) {
                      followProgress(io, deps.store, run.id, progress.signal);
                    }
                  },
                },
              );
              finishRecovery(io, options.json, report);
            } finally {
              progress.abort();
            }
          },
        );
      });
    });
};

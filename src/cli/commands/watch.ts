import { environmentNamed } from "../../config/config-lookups.js";
import { systemClock } from "../../model/clock.js";
import { LifeboatError } from "../../model/errors.js";
import { watchDecisionToJson } from "../../model/failover-policy.js";
import { jsonLinesLogger } from "../../model/logger.js";
import type { DecisionListener } from "../../watch/decision-sink.js";
import { summarizeDecision } from "../../watch/decision-sink.js";
import type { StartFailover } from "../../watch/failover-listener.js";
import type { GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { environmentWatch, failoverOnDecision, withStateStore } from "../../composition.js";

/** One line of `watch --json` (NDJSON, docs/cli-json.md). */
export type WatchEventJson =
  | { readonly type: "watch.started"; readonly environment: string }
  | { readonly type: "decision"; readonly summary: string; readonly decision: object }
  | { readonly type: "failover.started"; readonly runId: string; readonly approval: boolean }
  | { readonly type: "failover.finished"; readonly runId: string; readonly phase: string }
  | { readonly type: "failover.skipped"; readonly reason: string }
  | { readonly type: "watch.stopped"; readonly signal: string };

/**
 * `lifeboat watch <env>`: the watcher in the foreground (docs/watch.md). Decisions are recorded
 * and alerted as under `serve`; failover decisions start a failover run here (with approval:
 * one that waits for `lifeboat approve`). Runs until SIGINT or SIGTERM; a failover run cut off
 * by that is resumable with `lifeboat resume <id>`.
 */
export const registerWatch: RegisterCommand = (program, io) => {
  program
    .command("watch")
    .description("Watch an environment's health in the foreground; fail over on a decision.")
    .argument("<env>", "environment name")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print one JSON object per event (NDJSON, docs/cli-json.md)")
    .action(async (name: string, options: GlobalOptions) => {
      await runAction(io, options.json, () =>
        withStateStore({ config: options.config }, async (store, loaded) => {
          environmentNamed(loaded, name);
          const emit = (event: WatchEventJson) =>
            io.stdout(options.json ? `${JSON.stringify(event)}\n` : `${humanLine(event)}\n`);
          const logger = jsonLinesLogger(io.stderr);
          const printer: DecisionListener = {
            notify: (decision) =>
              emit({
                type: "decision",
                summary: summarizeDecision(decision),
                decision: watchDecisionToJson(decision),
              }),
          };
          const startFailover: StartFailover = async ({ decision, approval }) => {
            const report = await failoverOnDecision(
              name,
              { config: options.config },
              {
                approval,
                incidentId: decision.incidentId,
                onRun: (run) => emit({ type: "failover.started", runId: run.id, approval }),
              },
            );
            emit(
              report
                ? { type: "failover.finished", runId: report.runId, phase: report.phase }
                : { type: "failover.skipped", reason: "already failed over or failing over" },
            );
          };
          const watch = await environmentWatch(loaded, name, {
            store,
            clock: systemClock,
            logger,
            env: process.env,
            listeners: [printer],
            startFailover,
          });
          if (!watch) {
            throw new LifeboatError(
              "LB_CONFIG_INVALID",
              `environments.${name}.health lists no checks: there is nothing to watch`,
              { details: { environment: name } },
            );
          }
          watch.start();
          emit({ type: "watch.started", environment: name });
          const signal = await new Promise<string>((resolve) => {
            process.once("SIGTERM", () => resolve("SIGTERM"));
            process.once("SIGINT", () => resolve("SIGINT"));
          });
          await watch.stop();
          emit({ type: "watch.stopped", signal });
        }),
      );
    });
};

function humanLine(event: WatchEventJson): string {
  switch (event.type) {
    case "watch.started":
      return `watching ${event.environment} (Ctrl-C stops)`;
    case "decision":
      return event.summary;
    case "failover.started":
      return `failover run ${event.runId} started${event.approval ? " — waits for `lifeboat approve " + event.runId + "`" : ""}`;
    case "failover.finished":
      return `failover run ${event.runId} ${event.phase}`;
    case "failover.skipped":
      return `no failover started: ${event.reason}`;
    case "watch.stopped":
      return `stopped (${event.signal})`;
  }
}

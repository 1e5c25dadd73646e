import { withProtectionAgent } from "../../composition.js";
import { exitCodeFor, LifeboatError, type ErrorCode } from "../../model/errors.js";
import { runAgent, type VolumeStatus } from "../../protect/agent.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";

/** `--json` output of `agent --once`, and each line of `agent --json` (docs/cli-json.md). */
export interface AgentJson {
  readonly ok: boolean;
  readonly environment: string;
  readonly agent: string;
  readonly volumes: readonly VolumeStatus[];
}

interface AgentOptions extends GlobalOptions {
  readonly once?: boolean;
  readonly name?: string;
}

const line = (s: VolumeStatus): string =>
  s.lastError
    ? `${s.id} (${s.method}): failed ${s.lastError.code}: ${s.lastError.message}`
    : `${s.id} (${s.method}): point at ${s.lastPointAt}, ${s.lastChangedBytes} bytes changed`;

/**
 * `lifeboat agent [env]`: protects the environment's local volumes on their schedules, sends
 * heartbeats, resynchronises by itself after a restart. Runs until SIGINT/SIGTERM, or one cycle
 * per volume with `--once` (exit 1 when a cycle failed).
 */
export const registerAgent: RegisterCommand = (program, io) => {
  program
    .command("agent")
    .description("Protect this machine's volumes: recovery points on schedule, heartbeats.")
    .argument("[env]", "environment name (default: the only one with an agent section)")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--once", "one protection cycle per volume, then exit")
    .option("--name <agent>", "the agent's name in heartbeats (default: agent.name or host name)")
    .option("--json", "print JSON (one document per round; docs/cli-json.md)")
    .action(async (env: string | undefined, options: AgentOptions) => {
      await runAction(io, options.json, async () => {
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
        try {
          await withProtectionAgent(
            env,
            { config: options.config, ...(options.name ? { agentName: options.name } : {}) },
            async (agent) => {
              const report = (volumes: readonly VolumeStatus[]): AgentJson => ({
                ok: volumes.every((v) => v.lastError === null),
                environment: agent.environment,
                agent: agent.name,
                volumes,
              });
              if (!options.once) {
                io.stderr(
                  `agent ${agent.name}: protecting ${agent.volumes.map((v) => `${v.id} (${v.source.method})`).join(", ")}\n`,
                );
              }
              const statuses = await runAgent(
                {
                  ...agent.deps,
                  onCycle: (status) => {
                    if (options.once) return;
                    if (options.json) io.stdout(`${JSON.stringify(report([status]))}\n`);
                    else io.stderr(`${new Date().toISOString()} ${line(status)}\n`);
                  },
                },
                agent.volumes,
                {
                  heartbeatMs: agent.heartbeatMs,
                  once: options.once ?? false,
                  signal: stop.signal,
                },
                agent.groups,
              );
              if (!options.once) return;
              const result = report(statuses);
              printResult(io, options.json, result, (r) => r.volumes.map(line).join("\n"));
              const failed = statuses.find((s) => s.lastError)?.lastError;
              if (failed) {
                // The report names every failure; the exit code is the first one's category.
                const error = new LifeboatError(failed.code as ErrorCode, failed.message);
                if (!options.json) io.stderr(`  remedy: ${error.remedy}\n`);
                process.exitCode = exitCodeFor(error);
              }
            },
          );
        } finally {
          process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
        }
      });
    });
};

import type { Explanation } from "../../capture/explanation.js";
import { explanationText } from "../../capture/explanation-text.js";
import { captureNow, withEnvironment } from "../../composition.js";
import type { ApiCallStats } from "../../providers/provider.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { countsText, versionJson, type VersionJson } from "./history.js";

interface CaptureOptions extends GlobalOptions {
  readonly explain?: boolean;
  readonly verbose?: boolean;
}

/** `--json` output of `capture` (docs/cli-json.md). */
export interface CaptureJson {
  readonly ok: true;
  readonly environment: string;
  /** False when nothing changed since the latest version (it was only seen again). */
  readonly created: boolean;
  readonly version: VersionJson;
  readonly externals: number;
  readonly apiCalls: ApiCallStats;
  readonly discoveryMs: number;
  readonly wallMs: number;
  /** With --explain: what was included and why, what was left out; else null. */
  readonly explanation: Explanation | null;
}

function human(options: CaptureOptions) {
  return (c: CaptureJson): string => {
    const v = c.version;
    const lines = [
      c.created
        ? `${c.environment}: new version ${v.version}`
        : `${c.environment}: unchanged, still version ${v.version} (last seen ${v.lastSeenAt})`,
      `  digest     ${v.digest}`,
      `  resources  ${v.resources} (${countsText(v.counts)}); ${c.externals} external reference(s)`,
      `  API calls  ${c.apiCalls.calls} (${c.apiCalls.attempts} HTTP attempts)`,
      `  wall time  ${c.wallMs} ms (discovery ${c.discoveryMs} ms)`,
    ];
    if (c.explanation) {
      lines.push("", explanationText(c.explanation, { verbose: options.verbose ?? false }));
    }
    return lines.join("\n");
  };
}

/** `lifeboat capture <env>`: capture the environment now and store it as a version. */
export const registerCapture: RegisterCommand = (program, io) => {
  program
    .command("capture")
    .description("Capture an environment now; store it as a new version unless unchanged.")
    .argument("<env>", "environment name from the config")
    .option("--explain", "also show what was included and why, and what was left out")
    .option("--verbose", "with --explain: list every left-out resource")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (env: string, options: CaptureOptions) => {
      await runAction(io, options.json, () =>
        withEnvironment(env, { config: options.config }, async (services) => {
          const c = await captureNow(services);
          const result: CaptureJson = {
            ok: true,
            environment: env,
            created: c.created,
            version: versionJson(c.version),
            externals: c.inventory.externals.length,
            apiCalls: c.apiCalls,
            discoveryMs: c.discoveryMs,
            wallMs: c.wallMs,
            explanation: options.explain ? c.explanation : null,
          };
          printResult(io, options.json, result, human(options));
        }),
      );
    });
};

import { spawn } from "node:child_process";
import { z } from "zod";
import { LifeboatError } from "../../model/errors.js";
import type { LocalTarget, WorkflowTarget } from "../../model/workflow-target.js";
import { definePlugin, PLUGIN_API_VERSION } from "../plugin-api.js";

const params = z.strictObject({
  /** argv (no shell), or one string run by `/bin/sh -c`. */
  command: z.union([z.array(z.string()).min(1), z.string().min(1)]),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).default({}),
  /** Exit statuses that count as success. */
  expectExit: z.array(z.number().int()).default([0]),
});

/** The last 2 000 characters of a command's output: what results and errors keep. */
export const tail = (text: string) => text.slice(-2000);

/** Runs a command on the Lifeboat host; a status outside `expectExit` fails the step. */
export const execPlugin = definePlugin<z.infer<typeof params>, LocalTarget>({
  name: "lifeboat.action.exec",
  apiVersion: PLUGIN_API_VERSION,
  action: "exec",
  description: "Run a local command",
  configSchema: params,
  appliesTo: (target: WorkflowTarget): target is LocalTarget => target.kind === "local",
  async execute(ctx) {
    const { command, cwd, env, expectExit } = ctx.params;
    const argv = typeof command === "string" ? ["/bin/sh", "-c", command] : command;
    const result = await runCommand(argv, { cwd, env, signal: ctx.signal });
    if (!expectExit.includes(result.exitCode)) {
      throw new LifeboatError(
        "LB_ACTION_FAILED",
        `command ${JSON.stringify(argv[0])} exited with ${result.exitCode}: ${tail(result.stderr).trim()}`,
        { details: { argv, exitCode: result.exitCode, stderr: tail(result.stderr) } },
      );
    }
    return { exitCode: result.exitCode, stdout: tail(result.stdout) };
  },
});

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Spawns `argv` and collects its output. An abort kills the child (SIGTERM) and rejects with
 * `LB_CANCELLED`; a command that cannot start is `LB_ACTION_FAILED`.
 */
export function runCommand(
  argv: readonly string[],
  options: {
    readonly cwd?: string | undefined;
    readonly env?: Readonly<Record<string, string>>;
    readonly signal: AbortSignal;
    readonly input?: string;
    /**
     * Give the child a stdin pipe that stays open until it exits (no `input`): a remote command
     * run over ssh watches it, so killing the local client stops the remote command too.
     */
    readonly holdStdin?: boolean;
  },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) return reject(cancelled(argv));
    const [file, ...args] = argv;
    const child = spawn(file ?? "", args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: [
        options.input === undefined && !options.holdStdin ? "ignore" : "pipe",
        "pipe",
        "pipe",
      ],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout = tail(stdout + d)));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr = tail(stderr + d)));
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.stdin?.on("error", () => undefined); // EPIPE when the child exits first
    const onAbort = () => child.kill("SIGTERM");
    options.signal.addEventListener("abort", onAbort, { once: true });
    child.on("error", (error) => {
      options.signal.removeEventListener("abort", onAbort);
      reject(
        new LifeboatError(
          "LB_ACTION_FAILED",
          `cannot run ${JSON.stringify(file)}: ${error.message}`,
          {
            cause: error,
            details: { argv: [...argv] },
          },
        ),
      );
    });
    child.on("close", (code, signal) => {
      options.signal.removeEventListener("abort", onAbort);
      child.stdin?.destroy();
      if (options.signal.aborted) return reject(cancelled(argv));
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

function cancelled(argv: readonly string[]): LifeboatError {
  return new LifeboatError("LB_CANCELLED", `command ${JSON.stringify(argv[0])} was stopped`, {
    details: { argv: [...argv] },
  });
}

import { startServer } from "../../api/start-server.js";
import { jsonLinesLogger } from "../../model/logger.js";
import { LifeboatError } from "../../model/errors.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";

/** The line `serve --json` prints once it listens (docs/cli-json.md). */
export interface ServeJson {
  readonly ok: true;
  readonly url: string;
  readonly owner: string;
}

interface ServeOptions extends GlobalOptions {
  readonly host?: string;
  readonly port?: string;
  readonly scheduler?: boolean;
  readonly web?: string;
}

function portOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  throw new LifeboatError("LB_USAGE", `--port ${text} is not a port number (0-65535)`);
}

/**
 * `lifeboat serve`: the HTTP API, the dashboard and (when elected) the scheduler, until
 * SIGTERM or SIGINT, which shut it down gracefully (docs/api.md, "Serving"). Logs are JSON
 * lines on stderr.
 */
export const registerServe: RegisterCommand = (program, io) => {
  program
    .command("serve")
    .description("Serve the HTTP API and dashboard, and run the scheduler when elected leader.")
    .option("--host <addr>", "address to listen on (default: server.host or 127.0.0.1)")
    .option("--port <n>", "port (default: server.port or 8080; 0 picks a free one)")
    .option("--no-scheduler", "serve only: never take the scheduler lease")
    .option("--web <dir>", "the built dashboard to serve at / (default: dist/web)")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON line once listening (docs/cli-json.md)")
    .action(async (options: ServeOptions) => {
      await runAction(io, options.json, async () => {
        const port = portOf(options.port);
        const server = await startServer({
          config: options.config,
          ...(options.host === undefined ? {} : { host: options.host }),
          ...(port === undefined ? {} : { port }),
          scheduler: options.scheduler !== false,
          ...(options.web === undefined ? {} : { webRoot: options.web }),
          logger: jsonLinesLogger(io.stderr),
        });
        const result: ServeJson = { ok: true, url: server.url, owner: server.owner };
        if (options.json) io.stdout(`${JSON.stringify(result)}\n`);
        else printResult(io, false, result, (r) => `lifeboat serving on ${r.url} (${r.owner})`);
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            io.stderr(`${JSON.stringify({ event: "serve.stopping", signal })}\n`);
            void server.close().then(resolve, resolve);
          };
          process.once("SIGTERM", () => stop("SIGTERM"));
          process.once("SIGINT", () => stop("SIGINT"));
        });
      });
    });
};

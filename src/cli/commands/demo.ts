import type { DemoEvent, DemoStageEvent } from "../../demo/demo-events.js";
import type { DemoReport } from "../../demo/demo-report.js";
import { runDemo, type DemoSession } from "../../demo/run-demo.js";
import { serveDemo } from "../../demo/serve-demo.js";
import { printResult, type CliIo } from "../output.js";
import { formatBytes } from "../progress.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { renderRecoveryReport } from "./run.js";

interface DemoCliOptions {
  readonly serve: boolean; // commander's --no-serve sets it false
  readonly keep?: boolean;
  readonly dir?: string;
  readonly endpoint?: string;
  readonly json?: boolean;
}

/** `--json` output of `demo` (docs/cli-json.md). */
export type DemoJson = DemoReport;

const seconds = (ms: number | null) => (ms === null ? "" : `${(ms / 1000).toFixed(1)} s`);
const marks: Record<DemoStageEvent["status"], string> = {
  started: "…",
  succeeded: "✓",
  failed: "✗",
  skipped: "-",
};

/**
 * Progress on stderr: NDJSON events with --json (stdout keeps its one document), else one line
 * per stage event; drill step progress redraws one line on a terminal and prints at most one
 * line a second elsewhere.
 */
function eventPrinter(
  io: CliIo,
  json: boolean | undefined,
  session: () => DemoSession | undefined,
): (event: DemoEvent) => void {
  let lastProgress = 0;
  let redrawn = false;
  return (event) => {
    if (json) {
      io.stderr(`${JSON.stringify(event)}\n`);
      return;
    }
    const at = `[${seconds(event.elapsedMs).padStart(7)}]`;
    if (event.type === "dashboard") {
      io.stderr(
        `${at} serve    ✓ dashboard ${event.url}\n` +
          `${" ".repeat(at.length)}          sign in with the token ${event.token}\n` +
          exploreText(session()),
      );
      return;
    }
    if (event.type === "progress") {
      if (io.isTty) {
        io.stderr(`\r\x1b[2K${at} ${event.stage.padEnd(8)} ${event.summary}`);
        redrawn = true;
      } else if (event.elapsedMs - lastProgress >= 1000 || event.done === event.total) {
        lastProgress = event.elapsedMs;
        io.stderr(`${at} ${event.stage.padEnd(8)} ${event.summary}\n`);
      }
      return;
    }
    if (redrawn) io.stderr("\r\x1b[2K");
    redrawn = false;
    const took = event.durationMs === null ? "" : `  (${seconds(event.durationMs)})`;
    io.stderr(`${at} ${event.stage.padEnd(8)} ${marks[event.status]} ${event.summary}${took}\n`);
  };
}

/** The report a person reads: the drill's verdict and numbers, the volume, the stage times. */
export function renderDemoReport(r: DemoReport): string {
  const summary = (run: DemoReport["drill"]) => renderRecoveryReport(run).split("\n\n")[0] ?? "";
  const f = r.failover;
  const record = (v: typeof f.record.before) => (v ? `${v.type} ${v.target}` : "(none)");
  const p = r.protection;
  const points = p.points
    .map(
      (x) =>
        `${x.kind} ${x.snapshot.slice(0, 8)} (read ${formatBytes(x.bytesRead)}, ` +
        `stored ${formatBytes(x.bytesUploaded)})`,
    )
    .join("; ");
  const stageTimes = r.stages
    .filter((s) => s.durationMs !== null)
    .map((s) => `${s.stage} ${seconds(s.durationMs)}`)
    .join(", ");
  return [
    "",
    `Demo ${r.ok ? "OK" : "NOT OK"}: ${r.environment.name} (${r.environment.resources} resources in ` +
      `${r.environment.region}), drilled and failed over into ${r.environment.targetRegion}`,
    "",
    "Drill (isolated, torn down after verification):",
    summary(r.drill),
    "",
    "Failover with DNS cut-over:",
    summary(f.report),
    `  DNS ${f.record.name}`,
    `    before          ${record(f.record.before)}`,
    `    after           ${record(f.record.after)}${f.record.moved ? "" : "  (NOT MOVED)"}`,
    "",
    `Sample volume ${p.volume} (${formatBytes(p.size)}): ${points}`,
    `  restore of the latest point: ${p.restoreVerified ? "byte-identical" : "DIFFERENT"} (sha256 ${p.sha256.slice(0, 16)}…)`,
    `  made with the repository's image backup (changed ranges); \`lifeboat points\` is not in this version yet`,
    "",
    `Stage times: ${stageTimes}; total ${seconds(r.wallMs)}`,
    `Folder: ${r.dir}${r.kept ? " (kept)" : " (removed when the demo ends)"}`,
  ].join("\n");
}

/** What to try while the demo cloud is up. */
function exploreText(session: DemoSession | undefined): string {
  if (!session) return "";
  const r = session.report;
  return [
    "",
    "The demo cloud and the dashboard stay up until Ctrl-C. From another shell:",
    `  export LIFEBOAT_CONFIG=${r.config}`,
    "  export LIFEBOAT_DEMO_ACCESS_KEY_ID=testing LIFEBOAT_DEMO_SECRET_ACCESS_KEY=testing",
    `  lifeboat history ${r.environment.name}; lifeboat inventory ${r.environment.name}`,
    `  lifeboat run ${r.drill.runId}            # every step of the drill with its timing`,
    `  lifeboat run ${r.failover.report.runId}            # the failover, DNS step included`,
    "  lifeboat runs",
    "",
  ].join("\n");
}

/**
 * Ctrl-C and SIGTERM abort the demo (moto stops at once) or end the serving phase; a second
 * one exits without waiting for clean-up.
 */
function interruptions(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

/** `lifeboat demo`: moto, the web shop, capture, protect, drill, report — then serve. */
export const registerDemo: RegisterCommand = (program, io) => {
  program
    .command("demo")
    .description(
      "Run the whole story on an emulated AWS: build a web shop, capture, protect, drill and fail over into another region, report, serve the dashboard.",
    )
    .option("--no-serve", "exit after the report instead of staying up until Ctrl-C")
    .option("--keep", "keep the demo folder (config, state, repository) afterwards")
    .option("--dir <folder>", "use this new or empty folder (kept) instead of a temporary one")
    .option(
      "--endpoint <url>",
      "use this running moto/AWS-compatible endpoint (default: $LIFEBOAT_DEMO_ENDPOINT, else start moto)",
    )
    .option("--json", "print a JSON document (docs/cli-json.md); progress as NDJSON on stderr")
    .action(async (options: DemoCliOptions) => {
      const stop = interruptions();
      await runAction(io, options.json, async () => {
        let current: DemoSession | undefined;
        const print = eventPrinter(io, options.json, () => current);
        const endpoint = options.endpoint ?? (process.env.LIFEBOAT_DEMO_ENDPOINT || undefined);
        const session = (current = await runDemo({
          signal: stop.signal,
          onEvent: print,
          keep: options.keep === true,
          ...(options.dir === undefined ? {} : { dir: options.dir }),
          ...(endpoint === undefined ? {} : { endpoint }),
        }));
        try {
          printResult(io, options.json, session.report, renderDemoReport);
          if (!session.report.ok) process.exitCode = 1;
          if (options.serve && !stop.signal.aborted) {
            await serveDemo(session, stop.signal, print);
          }
        } finally {
          await session.close();
          if (!options.json) {
            io.stderr(
              `${session.report.motoPid === null ? "" : "moto_server stopped; "}` +
                `${session.report.kept ? `folder kept: ${session.report.dir}` : "demo folder removed"}\n`,
            );
          }
        }
      });
      stop.dispose();
    });
};

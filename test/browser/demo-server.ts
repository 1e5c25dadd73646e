/**
 * `lifeboat demo` as the README runs it, for the browser test: its own moto, the web shop,
 * capture, protection, a first drill — then `lifeboat serve` with the dashboard at a printed
 * URL and an operator token, until Ctrl-C. The demo's `--json` events give the URL and token.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { DemoDashboardEvent, DemoEvent } from "../../src/demo/demo-events.js";
import type { DemoReport } from "../../src/demo/demo-report.js";
import { cliPath, makeTempDir } from "../e2e/cli.js";

export interface RunningDemo {
  readonly report: DemoReport;
  readonly url: string;
  /** The operator token the demo printed. */
  readonly token: string;
  stop(): Promise<void>;
}

/** Complete NDJSON lines only: the demo may be mid-write. */
const eventsOf = (stderr: string): DemoEvent[] =>
  stderr
    .split("\n")
    .slice(0, -1)
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as DemoEvent);

export async function startDemo(): Promise<RunningDemo> {
  const dir = makeTempDir("lifeboat-browser-demo-");
  const child = spawn(
    process.execPath,
    [cliPath, "demo", "--json", "--dir", join(dir.path, "demo")],
    {
      cwd: dir.path,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", LIFEBOAT_DEMO_ENDPOINT: "" },
    },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((resolve) => child.once("close", resolve));
      child.kill("SIGINT"); // the demo's Ctrl-C: stops serving and its moto
      await closed;
    }
    dir.remove();
  };
  let stdout = "";
  let stderr = "";
  const report = new Promise<DemoReport>((resolve) =>
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
      try {
        resolve(JSON.parse(stdout) as DemoReport);
      } catch {
        // not complete yet
      }
    }),
  );
  const serving = new Promise<DemoDashboardEvent>((resolve) =>
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
      const event = eventsOf(stderr).find((e) => e.type === "dashboard");
      if (event?.type === "dashboard") resolve(event);
    }),
  );
  const ended = new Promise<never>((_, reject) =>
    child.once("close", (code) => reject(new Error(`demo ended (${code}) early:\n${stderr}`))),
  );
  ended.catch(() => undefined); // it also rejects at the normal end, after the race is over
  try {
    const [r, dashboard] = await Promise.race([Promise.all([report, serving]), ended]);
    return { report: r, url: `${dashboard.url.replace(/\/$/, "")}/`, token: dashboard.token, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

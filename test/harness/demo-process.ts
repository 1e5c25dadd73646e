/**
 * `lifeboat demo --json --dir <folder>` as the README runs it, serving until Ctrl-C: started
 * once here for the e2e test (test/e2e/demo.test.ts) and the browser test
 * (test/browser/demo-server.ts). Resolves when the demo has printed its report (stdout) and its
 * dashboard event (stderr); the two pipes are separate, so they arrive in any order.
 */
import { spawn } from "node:child_process";
import type { DemoDashboardEvent, DemoEvent } from "../../src/demo/demo-events.js";
import type { DemoReport } from "../../src/demo/demo-report.js";
import { cliPath } from "../e2e/cli.js";

/** The NDJSON events a `--json` demo wrote on stderr (complete lines only: it may be mid-write). */
export function demoEvents(stderr: string): DemoEvent[] {
  return stderr
    .split("\n")
    .slice(0, -1)
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as DemoEvent);
}

export interface ServingDemo {
  readonly report: DemoReport;
  readonly dashboard: DemoDashboardEvent;
  /** Everything the demo wrote on stderr so far. */
  stderr(): string;
  /** The exit code once the demo has ended. */
  readonly exited: Promise<number>;
  /** Ctrl-C (stops serving and the demo's moto), then waits for the end; resolves its code. */
  stop(): Promise<number>;
}

/**
 * Starts the demo keeping its folder at `folder`, run from `cwd`. An early end rejects with
 * the demo's stderr, after the demo is stopped.
 */
export async function startServingDemo(folder: string, cwd: string): Promise<ServingDemo> {
  const child = spawn(process.execPath, [cliPath, "demo", "--json", "--dir", folder], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", LIFEBOAT_DEMO_ENDPOINT: "" },
  });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? 1)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    return await exited;
  };
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
      const event = demoEvents(stderr).find((e) => e.type === "dashboard");
      if (event?.type === "dashboard") resolve(event);
    }),
  );
  const ended = exited.then((code) => {
    throw new Error(`demo ended (${code}) early:\n${stderr}`);
  });
  ended.catch(() => undefined); // it also rejects at the normal end, after the race is over
  try {
    const [r, dashboard] = await Promise.race([Promise.all([report, serving]), ended]);
    return { report: r, dashboard, stderr: () => stderr, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

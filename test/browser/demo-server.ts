/**
 * `lifeboat demo` as the README runs it, for the browser test: its own moto, the web shop,
 * capture, protection, a first drill — then `lifeboat serve` with the dashboard at a printed
 * URL and an operator token, until Ctrl-C. The demo's `--json` events give the URL and token.
 */
import { join } from "node:path";
import type { DemoReport } from "../../src/demo/demo-report.js";
import { makeTempDir } from "../e2e/cli.js";
import { startServingDemo } from "../harness/demo-process.js";

export interface RunningDemo {
  readonly report: DemoReport;
  readonly url: string;
  /** The operator token the demo printed. */
  readonly token: string;
  stop(): Promise<void>;
}

export async function startDemo(): Promise<RunningDemo> {
  const dir = makeTempDir("lifeboat-browser-demo-");
  try {
    const demo = await startServingDemo(join(dir.path, "demo"), dir.path);
    const stop = async () => {
      await demo.stop();
      dir.remove();
    };
    const { url, token } = demo.dashboard;
    return { report: demo.report, url: `${url.replace(/\/$/, "")}/`, token, stop };
  } catch (error) {
    dir.remove();
    throw error;
  }
}

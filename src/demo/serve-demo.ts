import { startDemoDashboard } from "./demo-dashboard.js";
import type { DemoListener } from "./demo-events.js";
import type { DemoSession } from "./run-demo.js";

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/**
 * The demo's last stage: serve the API and dashboard on the demo config (moto stays up behind
 * them) until `signal` aborts (Ctrl-C), then shut the server down gracefully. The caller
 * closes the session afterwards.
 */
export async function serveDemo(
  session: DemoSession,
  signal: AbortSignal,
  listener: DemoListener,
): Promise<void> {
  const { stages } = session;
  const started = stages.elapsedMs();
  const stage = (status: "started" | "succeeded", durationMs: number | null, summary: string) =>
    listener({
      type: "stage",
      stage: "serve",
      status,
      elapsedMs: stages.elapsedMs(),
      durationMs,
      summary,
    });
  stage("started", null, "starting the API server and dashboard (lifeboat serve) until Ctrl-C");
  const dashboard = await startDemoDashboard(session.workspace);
  try {
    listener({
      type: "dashboard",
      elapsedMs: stages.elapsedMs(),
      url: dashboard.url,
      token: dashboard.token,
    });
    await untilAborted(signal);
  } finally {
    await dashboard.close();
  }
  stage("succeeded", stages.elapsedMs() - started, "stopped by Ctrl-C");
}

import { startServer } from "../api/start-server.js";
import { withStateStore } from "../composition.js";
import { defaultTenant } from "../model/access.js";
import { issueApiToken } from "../store/api-tokens-repo.js";
import type { DemoWorkspace } from "./demo-config.js";

/** The demo's `lifeboat serve`: the API and dashboard on a free loopback port. */
export interface DemoDashboard {
  readonly url: string;
  /** An operator token for the dashboard's sign-in (it can start drills, not approve). */
  readonly token: string;
  /** Graceful shutdown, as `serve` does on Ctrl-C. */
  close(): Promise<void>;
}

/**
 * Starts the server `lifeboat serve` runs — API, dashboard, scheduler (captures every
 * `capture.every`) — on the demo config, and issues a sign-in token for it.
 */
export async function startDemoDashboard(workspace: DemoWorkspace): Promise<DemoDashboard> {
  const composition = { config: workspace.configPath, env: workspace.env };
  const issued = await withStateStore(composition, (store) =>
    issueApiToken(store, { name: "demo", tenant: defaultTenant, role: "operator" }),
  );
  const server = await startServer({ ...composition, host: "127.0.0.1", port: 0 });
  return { url: server.url, token: issued.token, close: () => server.close() };
}

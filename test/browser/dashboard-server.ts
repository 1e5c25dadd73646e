/**
 * The server the browser tests open: the real API (`buildApp` from src/api, listening on a free
 * loopback port) over the workspace's config, store and repository, serving the built
 * dashboard from dist/web — what `lifeboat serve` hosts, started in the test's process.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openApiServices } from "../../src/api/api-services.js";
import { buildApp } from "../../src/api/build-app.js";
import { password, type CaptureWorkspace } from "../e2e/capture-fixture.js";

/** dist/web of the dist folder this file was compiled into (`npm run build` writes it). */
export const webRoot = fileURLToPath(new URL("../../web/", import.meta.url));

export interface DashboardServer {
  /** e.g. http://127.0.0.1:41234/ */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startDashboardServer(ws: CaptureWorkspace): Promise<DashboardServer> {
  if (!existsSync(`${webRoot}index.html`)) {
    throw new Error(
      `${webRoot}index.html is missing: run \`npm run build\` (it builds the dashboard)`,
    );
  }
  const { deps, close } = await openApiServices({
    config: ws.config,
    env: { ...process.env, LIFEBOAT_PASSWORD: password },
    webRoot,
  });
  const app = buildApp(deps);
  try {
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    return {
      url: `${address}/`,
      async stop() {
        await app.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The server the browser tests open: the real API (`buildApp` from src/api, listening on a free
 * loopback port) over the workspace's config, store and repository, running recoveries in the
 * background and serving the built dashboard from dist/web — what `lifeboat serve` hosts,
 * started in the test's process (`serve` itself is not on main yet).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openApiServices } from "../../src/api/api-services.js";
import { backgroundRuns } from "../../src/api/background-runs.js";
import { buildApp } from "../../src/api/build-app.js";
import { RecordingLogger } from "../../src/model/logger.js";
import { password, type CaptureWorkspace } from "../e2e/capture-fixture.js";

/** dist/web of the dist folder this file was compiled into (`npm run build` writes it). */
export const webRoot = fileURLToPath(new URL("../../web/", import.meta.url));

export interface DashboardServer {
  /** e.g. http://127.0.0.1:41234/ */
  readonly url: string;
  /** What the server logged (a run that failed in the background says why here). */
  readonly logger: RecordingLogger;
  stop(): Promise<void>;
}

export async function startDashboardServer(ws: CaptureWorkspace): Promise<DashboardServer> {
  if (!existsSync(`${webRoot}index.html`)) {
    throw new Error(
      `${webRoot}index.html is missing: run \`npm run build\` (it builds the dashboard)`,
    );
  }
  // moto's dummy credentials, where the AWS SDK's default chain looks: this process's
  // environment (the CLI tests pass the same ones to their child processes).
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_EC2_METADATA_DISABLED: "true",
  });
  const options = { config: ws.config, env: { ...process.env, LIFEBOAT_PASSWORD: password } };
  const logger = new RecordingLogger();
  // Runs execute in this process, in the background, as in `lifeboat serve`.
  const runs = backgroundRuns(options, logger);
  const { deps, close } = await openApiServices({ ...options, runs, webRoot });
  const app = buildApp(deps);
  try {
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    return {
      url: `${address}/`,
      logger,
      async stop() {
        await runs.drain();
        await app.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

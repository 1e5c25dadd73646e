import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import type { CompositionOptions } from "../composition.js";
import { systemClock } from "../model/clock.js";
import { parseDuration } from "../model/duration.js";
import { silentLogger, type Logger } from "../model/logger.js";
import { openApiServices } from "./api-services.js";
import { backgroundRuns } from "./background-runs.js";
import { buildApp } from "./build-app.js";
import { LeaderElection } from "./leader-election.js";
import { Scheduler } from "./scheduler.js";

export interface StartServerOptions extends CompositionOptions {
  /** Default: the config's `server.host`, else 127.0.0.1. */
  readonly host?: string;
  /** Default: the config's `server.port`, else 8080; 0 picks a free port. */
  readonly port?: number;
  /** Run the scheduler (captures, probes) when elected; default true. */
  readonly scheduler?: boolean;
  /** The built dashboard; default `dist/web` of this installation. */
  readonly webRoot?: string;
  readonly logger?: Logger;
}

/** A listening server; `close()` is the graceful shutdown (SIGTERM/SIGINT call it). */
export interface RunningServer {
  readonly url: string;
  /** This process's id in leases and capture events (`<host>:<pid>:<random>`). */
  readonly owner: string;
  isLeader(): boolean;
  close(): Promise<void>;
}

/** The dashboard's build output: `dist/web`, two folders above this file in `dist/src/api`. */
export const defaultWebRoot = fileURLToPath(new URL("../../web/", import.meta.url));

/**
 * Starts `lifeboat serve` in this process: the HTTP API and dashboard, recoveries run in the
 * background, and the scheduler, which runs only while this process holds the `scheduler`
 * lease in the state store (one leader among every server sharing it). Used by the `serve`
 * command and by `lifeboat demo`.
 *
 * Shutdown (`close`): stop accepting requests, stop the scheduler (a capture in progress is
 * aborted and awaited) and hand the lease over at once, then wait up to `server.shutdownGrace`
 * for runs in progress; a run still going after that stays journaled with its lease, and the
 * next leader resumes it once the lease expires.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const runs = backgroundRuns(options, logger);
  let election: LeaderElection | undefined;
  const { deps, services, close } = await openApiServices({
    ...options,
    runs,
    webRoot: options.webRoot ?? defaultWebRoot,
    scheduler: () => ({ leader: election?.isLeader ?? false, owner }),
  });
  const server = services.loaded.config.server;
  const ms = (text: string | undefined, fallback: number) =>
    text === undefined ? fallback : (parseDuration(text) ?? fallback);
  const app = buildApp(
    { ...deps, metricsNeedToken: server?.metricsNeedToken ?? true },
    { forceCloseConnections: true },
  );
  if (options.scheduler !== false) {
    const scheduler = new Scheduler({
      loaded: services.loaded,
      composition: options,
      store: services.store,
      clock,
      logger,
      owner,
      runs,
    });
    election = new LeaderElection({
      store: services.store,
      name: "scheduler",
      owner,
      ttlMs: ms(server?.leaderTtl, 30_000),
      clock,
      logger,
      onGain: () => scheduler.start(),
      onLose: () => scheduler.stop(),
    });
    election.start();
  }
  try {
    await app.listen({
      host: options.host ?? server?.host ?? "127.0.0.1",
      port: options.port ?? server?.port ?? 8080,
    });
  } catch (error) {
    await election?.stop();
    await close();
    throw error;
  }
  const address = app.server.address();
  const url =
    typeof address === "object" && address !== null
      ? `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`
      : String(address);
  let closing: Promise<void> | undefined;
  return {
    url,
    owner,
    isLeader: () => election?.isLeader ?? false,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await election?.stop();
        const grace = ms(server?.shutdownGrace, 30_000);
        const timer = new Promise<void>((resolve) => setTimeout(resolve, grace).unref());
        await Promise.race([runs.drain(), timer]);
        await close();
      })()),
  };
}

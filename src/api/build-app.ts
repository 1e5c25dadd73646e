import Fastify, { type FastifyInstance } from "fastify";
import { lifeboatVersion } from "../cli/version.js";
import type { ApiDeps } from "./api-deps.js";
import { installErrorReplies } from "./error-reply.js";
import { openApiDocument } from "./openapi.js";
import type { RouteSpec } from "./route.js";
import { register } from "./route.js";
import { environmentRoutes } from "./routes/environment-routes.js";
import { eventRoutes } from "./routes/event-routes.js";
import { miscRoutes } from "./routes/misc-routes.js";
import { registerMetricsRoute } from "./routes/metrics-route.js";
import { planRoutes } from "./routes/plan-routes.js";
import { runActionRoutes } from "./routes/run-action-routes.js";
import { runEventRoutes } from "./routes/run-event-routes.js";
import { runRoutes } from "./routes/run-routes.js";
import { versionRoutes } from "./routes/version-routes.js";
import { serveStaticWeb } from "./static-web.js";

/** Every authenticated route, in the order /openapi.json lists them. */
export const apiRoutes: readonly RouteSpec[] = [
  ...miscRoutes,
  ...environmentRoutes,
  ...versionRoutes,
  ...eventRoutes,
  ...planRoutes,
  ...runRoutes,
  ...runActionRoutes,
  ...runEventRoutes,
] as RouteSpec[];

/** The unauthenticated routes, for /openapi.json. */
const publicPaths = {
  "/healthz": { get: { summary: "Liveness and scheduler leadership; no token needed." } },
  "/openapi.json": { get: { summary: "This document; no token needed." } },
  "/metrics": {
    get: { summary: "Prometheus text format; a token unless server.metricsNeedToken is false." },
  },
};

/**
 * The HTTP API (docs/api.md) as a Fastify instance, not yet listening: tests call
 * `app.inject`, `startServer` calls `listen`. Nothing here opens or closes `deps`.
 */
export function buildApp(
  deps: ApiDeps,
  options: { readonly logger?: boolean; readonly forceCloseConnections?: boolean } = {},
): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    // A closing server also ends live event streams (they never end by themselves).
    forceCloseConnections: options.forceCloseConnections ?? "idle",
  });
  installErrorReplies(app);
  app.get("/healthz", async () => ({
    ok: true,
    version: lifeboatVersion,
    scheduler: deps.scheduler?.() ?? null,
  }));
  const document = openApiDocument(apiRoutes, publicPaths, lifeboatVersion);
  app.get("/openapi.json", async () => document);
  registerMetricsRoute(app, deps);
  for (const spec of apiRoutes) register(app, deps, spec);
  serveStaticWeb(app, deps.webRoot);
  return app;
}

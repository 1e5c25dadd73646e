import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "../api-deps.js";
import { authorize } from "../authorize.js";
import { collectMetrics } from "../metrics.js";
import { visibleEnvironments } from "../tenancy.js";

/**
 * `GET /metrics` in the Prometheus text format. With a token (required unless the config's
 * `server.metricsNeedToken` is false) it covers that token's tenant only; without one, every
 * environment of the config.
 */
export function registerMetricsRoute(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/metrics", async (request, reply) => {
    const anonymous = deps.metricsNeedToken === false && !request.headers.authorization;
    const environments = anonymous
      ? deps.environments
      : visibleEnvironments(deps, await authorize(deps, request, "viewer"));
    const body = await collectMetrics(deps, environments);
    return reply.type("text/plain; version=0.0.4; charset=utf-8").send(body);
  });
}

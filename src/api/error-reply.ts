import type { FastifyError, FastifyInstance } from "fastify";
import {
  asLifeboatError,
  httpStatusFor,
  LifeboatError,
  toErrorJson,
  type ErrorJson,
} from "../model/errors.js";

/** The body of every error response (docs/api.md, "Errors"). */
export interface ErrorBody {
  readonly error: ErrorJson;
}

/** Fastify's own request errors (bad JSON, wrong content type, body too large) are 4xx. */
function isClientError(error: unknown): error is FastifyError {
  const status = (error as FastifyError | undefined)?.statusCode;
  return typeof status === "number" && status >= 400 && status < 500;
}

/**
 * Maps every failure through the one code → HTTP table (src/model/errors.ts): a LifeboatError
 * keeps its code; Fastify's request errors become `LB_API_INVALID_REQUEST`; anything else is a
 * bug, `LB_INTERNAL` (500), logged with its stack.
 */
export function installErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const mapped =
      error instanceof LifeboatError
        ? error
        : isClientError(error)
          ? new LifeboatError("LB_API_INVALID_REQUEST", error.message, {
              details: { fastifyCode: error.code },
            })
          : asLifeboatError(error);
    if (mapped.code === "LB_INTERNAL") request.log.error({ err: error }, "request failed");
    const body: ErrorBody = { error: toErrorJson(mapped) };
    return reply.code(httpStatusFor(mapped)).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new LifeboatError(
      "LB_API_ROUTE_NOT_FOUND",
      `no route ${request.method} ${request.url.split("?")[0] ?? ""}`,
    );
    return reply.code(httpStatusFor(error)).send({ error: toErrorJson(error) });
  });
}

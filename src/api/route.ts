import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { ApiRole, Principal } from "../model/access.js";
import { BugError, LifeboatError } from "../model/errors.js";
import type { ApiDeps } from "./api-deps.js";
import { authorize } from "./authorize.js";

/** What a route handler receives: validated input, the caller, and the dependencies. */
export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: Principal;
  readonly deps: ApiDeps;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/**
 * One API route: its method and path, the least role that may call it, zod schemas for what
 * comes in and what goes out (validated on every request; also the source of /openapi.json).
 */
export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  readonly method: "GET" | "POST";
  readonly url: string;
  readonly summary: string;
  readonly role: ApiRole;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** The success body; a handler returning something else is a bug (500). */
  readonly response?: z.ZodType;
  /** Success status; default 200. */
  readonly status?: number;
  /** Streams (server-sent events) write the reply themselves and return nothing. */
  readonly stream?: boolean;
  handler(input: RouteInput<P, Q, B>): Promise<unknown>;
}

/** Declares a route; the identity function that lets TypeScript infer the input types. */
export function route<P, Q, B>(spec: RouteSpec<P, Q, B>): RouteSpec<P, Q, B> {
  return spec;
}

/** Parses `value` or fails with `LB_API_INVALID_REQUEST` naming every bad field. */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${[where, ...issue.path.map(String)].join(".")}: ${issue.message}`,
  );
  throw new LifeboatError("LB_API_INVALID_REQUEST", `bad request: ${problems.join("; ")}`, {
    details: { problems },
  });
}

/** Adds `spec` to `app`: authorization, validation of input and output, status. */
export function register(app: FastifyInstance, deps: ApiDeps, spec: RouteSpec): void {
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) => {
      const principal = await authorize(deps, request, spec.role);
      const input = {
        params: spec.params ? parseRequest(spec.params, request.params, "params") : {},
        query: spec.query ? parseRequest(spec.query, request.query, "query") : {},
        body: spec.body ? parseRequest(spec.body, request.body, "body") : {},
      };
      const result = await spec.handler({ ...input, principal, deps, request, reply });
      if (spec.stream) return reply;
      if (spec.response) {
        const checked = spec.response.safeParse(result);
        if (!checked.success) {
          throw new BugError(`${spec.method} ${spec.url} answered outside its schema`, {
            cause: checked.error,
          });
        }
      }
      return reply.code(spec.status ?? 200).send(result);
    },
  });
}

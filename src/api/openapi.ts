import { z } from "zod";
import { errorCatalogue } from "../model/errors.js";
import type { RouteSpec } from "./route.js";

const schemaOf = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, unrepresentable: "any" });

const errorBody = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "remedy"],
      properties: {
        code: { type: "string", enum: Object.keys(errorCatalogue) },
        message: { type: "string" },
        remedy: { type: "string" },
        retryable: { type: "boolean" },
        details: { type: "object" },
      },
    },
  },
};

/** Path and query parameters of a route as OpenAPI parameter objects. */
function parametersOf(spec: RouteSpec): object[] {
  const from = (schema: z.ZodType | undefined, where: "path" | "query") => {
    if (!schema) return [];
    const json = schemaOf(schema, "input") as {
      properties?: Record<string, object>;
      required?: string[];
    };
    return Object.entries(json.properties ?? {}).map(([name, s]) => ({
      name,
      in: where,
      required: where === "path" || (json.required ?? []).includes(name),
      schema: s,
    }));
  };
  return [...from(spec.params, "path"), ...from(spec.query, "query")];
}

/**
 * The OpenAPI 3.1 document of `routes`, generated from the same zod schemas that validate
 * every request and response, so it cannot drift from what the server does.
 */
export function openApiDocument(
  routes: readonly RouteSpec[],
  extra: Record<string, object>,
  version: string,
): object {
  const paths: Record<string, Record<string, object>> = { ...extra } as never;
  for (const spec of routes) {
    const path = spec.url.replace(/:(\w+)/g, "{$1}");
    const operation = {
      summary: spec.summary,
      "x-lifeboat-role": spec.role,
      security: [{ bearer: [] }],
      parameters: parametersOf(spec),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: schemaOf(spec.body, "input") } },
            },
          }
        : {}),
      responses: {
        [String(spec.status ?? 200)]: {
          description: "success",
          content: spec.stream
            ? { "text/event-stream": { schema: { type: "string" } } }
            : {
                "application/json": {
                  schema: spec.response ? schemaOf(spec.response, "output") : {},
                },
              },
        },
        default: {
          description: "an error with a stable code (docs/errors.md)",
          content: { "application/json": { schema: errorBody } },
        },
      },
    };
    paths[path] = { ...paths[path], [spec.method.toLowerCase()]: operation };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Lifeboat API", version },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}

import { z } from "zod";
import { LifeboatError } from "../../model/errors.js";
import type { LocalTarget, WorkflowTarget } from "../../model/workflow-target.js";
import { definePlugin, PLUGIN_API_VERSION } from "../plugin-api.js";

const params = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  /** Statuses that count as success. */
  expectStatus: z.array(z.number().int().min(100).max(599)).default([200]),
});

/** Calls a URL from the Lifeboat host; a status outside `expectStatus` fails the step. */
export const httpPlugin = definePlugin<z.infer<typeof params>, LocalTarget>({
  name: "lifeboat.action.http",
  apiVersion: PLUGIN_API_VERSION,
  action: "http",
  description: "Call a URL and expect a status",
  configSchema: params,
  appliesTo: (target: WorkflowTarget): target is LocalTarget => target.kind === "local",
  async execute(ctx) {
    const status = await callUrl(ctx.params, ctx.signal);
    if (!ctx.params.expectStatus.includes(status)) {
      throw new LifeboatError(
        "LB_ACTION_FAILED",
        `${ctx.params.method} ${ctx.params.url} answered ${status}, expected ${ctx.params.expectStatus.join(" or ")}`,
        { details: { url: ctx.params.url, status, expectStatus: ctx.params.expectStatus } },
      );
    }
    return { status };
  },
});

/** Makes the request and returns its status; a network failure is `LB_ACTION_FAILED`. */
export async function callUrl(
  request: Pick<z.infer<typeof params>, "url" | "method" | "headers" | "body">,
  signal: AbortSignal,
): Promise<number> {
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
    });
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    if (signal.aborted) {
      throw new LifeboatError("LB_CANCELLED", `request to ${request.url} was stopped`, {
        cause: error,
      });
    }
    throw new LifeboatError(
      "LB_ACTION_FAILED",
      `${request.method} ${request.url} failed: ${String(error)}`,
      {
        cause: error,
        details: { url: request.url },
      },
    );
  }
}

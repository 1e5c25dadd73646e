import { z } from "zod";
import { followRunEvents } from "../../execute/event-stream.js";
import { route } from "../route.js";
import { visibleRun } from "../tenancy.js";
import { runParams } from "./run-routes.js";

/** A comment line every so often keeps proxies from closing a quiet stream. */
const keepAliveMs = 15_000;

/**
 * `GET /api/v1/runs/:id/events`: the run's journal as server-sent events (`event: step`,
 * `id:` its seq, `data:` the entry as JSON), from the start or after `Last-Event-ID`, until
 * the run has ended and every entry was sent. Polls the store, so it follows runs executed by
 * any process sharing it.
 */
export const runEventRoutes = [
  route({
    method: "GET",
    url: "/api/v1/runs/:id/events",
    summary: "Live progress of a run as server-sent events; ends when the run has ended.",
    role: "viewer",
    params: runParams,
    query: z.strictObject({ after: z.coerce.number().int().min(0).optional() }),
    stream: true,
    handler: async ({ deps, principal, params, query, request, reply }) => {
      const run = await visibleRun(deps, principal, params.id);
      const lastId = Number(request.headers["last-event-id"]);
      const afterSeq = query.after ?? (Number.isInteger(lastId) && lastId > 0 ? lastId : 0);
      const closed = new AbortController();
      request.raw.on("close", () => closed.abort());
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      out.write(": stream of run " + run.id + "\n\n");
      const keepAlive = setInterval(() => out.write(": keep-alive\n\n"), keepAliveMs);
      try {
        for await (const event of followRunEvents(deps.store, run.id, {
          afterSeq,
          pollMs: 250,
          signal: closed.signal,
        })) {
          const data = {
            seq: event.seq,
            runId: event.runId,
            stepId: event.stepId,
            at: event.at.toISOString(),
            type: event.type,
            data: event.data,
          };
          out.write(`event: step\nid: ${event.seq}\ndata: ${JSON.stringify(data)}\n\n`);
        }
        if (!closed.signal.aborted) out.write("event: end\ndata: {}\n\n");
      } catch (error) {
        out.write(`event: error\ndata: ${JSON.stringify({ message: String(error) })}\n\n`);
      } finally {
        clearInterval(keepAlive);
        out.end();
      }
    },
  }),
];

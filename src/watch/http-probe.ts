import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { performance } from "node:perf_hooks";
import type { Clock } from "../model/clock.js";
import { probeResult } from "../model/probe-status.js";
import { describeError, statusForNetworkError } from "./network-status.js";
import type { Probe } from "./probe.js";

/** An expected HTTP status: one code or an inclusive range. */
export type ExpectedStatus = number | { readonly min: number; readonly max: number };

export interface HttpProbeOptions {
  /** Defaults to `http:<url>`. */
  readonly id?: string;
  readonly url: string;
  readonly method?: "GET" | "HEAD";
  readonly headers?: Readonly<Record<string, string>>;
  /** Default: any 2xx or 3xx (redirects are not followed). */
  readonly expectStatus?: ExpectedStatus;
  /** The body must contain this text (the first `maxBodyBytes` are read). */
  readonly bodyContains?: string;
  /** The body must match this expression. */
  readonly bodyMatches?: RegExp;
  /** A correct answer slower than this is `DEGRADED`. */
  readonly slowerThanMs?: number;
  /** Whole exchange, connect to last body byte. */
  readonly timeoutMs: number;
  readonly maxBodyBytes?: number;
  readonly clock: Clock;
}

const defaultStatus = { min: 200, max: 399 };

function statusOk(status: number, expected: ExpectedStatus): boolean {
  return typeof expected === "number"
    ? status === expected
    : status >= expected.min && status <= expected.max;
}

interface Exchange {
  readonly status: number;
  readonly body: string;
}

/**
 * HTTP(S) probe. Statuses: `OK`; `DEGRADED` when correct but slower than `slowerThanMs`;
 * `APP_DOWN` for an unexpected status, a body that does not match, a TLS failure or a timeout
 * once connected; `HOST_DOWN` when the connection is refused or never established within the
 * timeout; `DNS_FAILURE` when the host name does not resolve; `UNKNOWN` when cancelled.
 */
export function httpProbe(options: HttpProbeOptions): Probe {
  const id = options.id ?? `http:${options.url}`;
  const expected = options.expectStatus ?? defaultStatus;
  const wantsBody = options.bodyContains !== undefined || options.bodyMatches !== undefined;
  const maxBody = options.maxBodyBytes ?? 64 * 1024;

  return {
    id,
    kind: "http",
    async run(signal) {
      const at = options.clock.now();
      const started = performance.now();
      const result = (code: Parameters<typeof probeResult>[1], detail: string, latency = true) =>
        probeResult(id, code, at, latency ? performance.now() - started : null, detail);
      let connected = false;
      let onAbort = () => undefined as void;
      try {
        const exchange = await new Promise<Exchange>((resolve, reject) => {
          const url = new URL(options.url);
          const send = url.protocol === "https:" ? httpsRequest : httpRequest;
          const req: ClientRequest = send(url, {
            method: options.method ?? "GET",
            headers: options.headers,
            agent: false, // a fresh connection each time: a pooled socket would hide a dead host
          });
          // Not `request({ signal })`: the listener must go when the probe ends, and the
          // watcher's signal lives as long as the watch.
          onAbort = () => req.destroy(new Error("cancelled"));
          if (signal.aborted) onAbort();
          signal.addEventListener("abort", onAbort, { once: true });
          const timer = setTimeout(
            () => req.destroy(Object.assign(new Error("timed out"), { code: "LB_PROBE_TIMEOUT" })),
            options.timeoutMs,
          );
          req.on("socket", (socket) => {
            // TLS sockets emit "connect" too, so a failed handshake counts as connected.
            socket.once("connect", () => {
              connected = true;
            });
          });
          req.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
          });
          req.on("response", (res: IncomingMessage) => {
            const status = res.statusCode ?? 0;
            if (!wantsBody) {
              res.resume();
              res.on("end", () => {
                clearTimeout(timer);
                resolve({ status, body: "" });
              });
              return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            res.on("data", (chunk: Buffer) => {
              if (size < maxBody) chunks.push(chunk);
              size += chunk.length;
            });
            res.on("end", () => {
              clearTimeout(timer);
              resolve({
                status,
                body: Buffer.concat(chunks).subarray(0, maxBody).toString("utf8"),
              });
            });
            res.on("error", (error) => {
              clearTimeout(timer);
              reject(error);
            });
          });
          req.end();
        });
        if (!statusOk(exchange.status, expected)) {
          return result("APP_DOWN", `status ${exchange.status}`);
        }
        if (options.bodyContains !== undefined && !exchange.body.includes(options.bodyContains)) {
          return result("APP_DOWN", `status ${exchange.status}, body lacks the expected text`);
        }
        if (options.bodyMatches !== undefined && !options.bodyMatches.test(exchange.body)) {
          return result("APP_DOWN", `status ${exchange.status}, body does not match`);
        }
        const latency = performance.now() - started;
        if (options.slowerThanMs !== undefined && latency > options.slowerThanMs) {
          return result("DEGRADED", `status ${exchange.status} in ${Math.round(latency)} ms`);
        }
        return result("OK", `status ${exchange.status}`);
      } catch (error) {
        if (signal.aborted) return result("UNKNOWN", "cancelled", false);
        if ((error as { code?: unknown }).code === "LB_PROBE_TIMEOUT") {
          return connected
            ? result("APP_DOWN", `no answer within ${options.timeoutMs} ms`, false)
            : result("HOST_DOWN", `no connection within ${options.timeoutMs} ms`, false);
        }
        const code = statusForNetworkError(error, connected);
        return result(code, describeError(error), false);
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
    },
  };
}

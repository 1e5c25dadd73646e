import type { ProbeStatusCode } from "../model/probe-status.js";

// errno codes of node:net/node:dns, grouped by what they say about the target.
const hostDown = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "EPIPE",
  "ECONNABORTED",
]);
const nameFailure = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "ENODATA", "ESERVFAIL"]);

/** The errno-like `code` of a node error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Maps a connection-level failure to a status. `connected` tells whether the TCP connection had
 * been established: a reset after that is the application's failure, not the host's.
 */
export function statusForNetworkError(error: unknown, connected: boolean): ProbeStatusCode {
  const code = errorCode(error) ?? "";
  if (nameFailure.has(code)) return "DNS_FAILURE";
  if (hostDown.has(code)) return connected ? "APP_DOWN" : "HOST_DOWN";
  return connected ? "APP_DOWN" : "HOST_DOWN";
}

/** One line describing an error for a probe's `detail`. */
export function describeError(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined || message.includes(code) ? message : `${code}: ${message}`;
}

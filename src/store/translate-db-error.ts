import { LifeboatError } from "../model/errors.js";
import { isLockContention } from "./db-errors.js";

// Connection-level failures from node (sockets, DNS) and pg, by code: SQLSTATE class 08
// (connection exception), 57P0x (server shutting down), 3D000 (no such database), 28xxx (auth).
const unreachableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
  "3D000",
  "SQLITE_CANTOPEN",
  "SQLITE_READONLY",
  "SQLITE_PERM",
]);
// pg reports some connection failures with a message only.
const unreachableMessage =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Client was closed/i;

/**
 * Maps a database driver's error to the catalogue, or returns undefined for errors that the
 * caller must interpret (constraint violations, SQL errors, bugs). The message never contains
 * a password: it names the store by its redacted URL, and the raw error stays in `cause`.
 */
export function translateDbError(error: unknown, redactedUrl: string): LifeboatError | undefined {
  if (error instanceof LifeboatError) return error;
  if (typeof error !== "object" || error === null) return undefined;
  const code =
    typeof (error as { code?: unknown }).code === "string" ? (error as { code: string }).code : "";
  const message = error instanceof Error ? error.message : "";
  const details = { url: redactedUrl, reason: code || message };
  if (isLockContention(error)) {
    return new LifeboatError("LB_STORE_CONFLICT", `state store ${redactedUrl} is busy: ${code}`, {
      cause: error,
      details,
    });
  }
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return new LifeboatError(
      "LB_STORE_CORRUPT",
      `state store ${redactedUrl} is not a valid SQLite database (${code})`,
      { cause: error, details },
    );
  }
  if (
    unreachableCodes.has(code) ||
    code.startsWith("08") ||
    code.startsWith("28") ||
    code.startsWith("SQLITE_IOERR") ||
    unreachableMessage.test(message)
  ) {
    return new LifeboatError(
      "LB_STORE_UNREACHABLE",
      `cannot reach the state store ${redactedUrl}: ${code || "connection failed"}`,
      { cause: error, details },
    );
  }
  return undefined;
}

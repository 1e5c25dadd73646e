import { isAbsolute, resolve } from "node:path";
import { LifeboatError } from "../model/errors.js";

/** A parsed `state` URL (docs/state-store.md, "URLs"). */
export type StoreLocation =
  | { readonly dialect: "sqlite"; readonly path: string; readonly memory: boolean }
  | { readonly dialect: "postgres"; readonly connectionString: string };

/**
 * Parses a state-store URL. `sqlite:<path>` (relative paths resolve against `baseDir`),
 * `sqlite:///abs/path`, `sqlite::memory:`, `postgres://…` and `postgresql://…` are accepted;
 * anything else is `LB_CONFIG_INVALID`.
 */
export function parseStoreUrl(url: string, baseDir: string = process.cwd()): StoreLocation {
  const invalid = (why: string) =>
    new LifeboatError("LB_CONFIG_INVALID", `state store URL ${redactStoreUrl(url)}: ${why}`, {
      details: { key: "state", url: redactStoreUrl(url) },
      remedy:
        "Use sqlite:<path>, sqlite::memory: or postgres://user@host:port/database for `state`.",
    });
  if (url.startsWith("sqlite:")) {
    let rest = url.slice("sqlite:".length);
    if (rest === ":memory:") return { dialect: "sqlite", path: ":memory:", memory: true };
    if (rest.startsWith("//")) {
      if (!rest.startsWith("///")) throw invalid("use sqlite:///absolute/path (three slashes)");
      rest = rest.slice(2);
    }
    if (rest === "") throw invalid("the path is empty");
    if (rest.includes("?") || rest.includes("#")) throw invalid("query strings are not supported");
    const path = isAbsolute(rest) ? rest : resolve(baseDir, rest);
    return { dialect: "sqlite", path, memory: false };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid("not a valid URL");
    }
    if (parsed.hostname === "" && !parsed.searchParams.has("host")) throw invalid("no host");
    return { dialect: "postgres", connectionString: url };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw invalid(scheme ? `unsupported scheme "${scheme}:"` : "no scheme");
}

/** The URL with any password replaced by `***`, safe for logs, messages and error details. */
export function redactStoreUrl(url: string): string {
  // Textual, so that even an unparsable URL is redacted. The userinfo ends at the last "@"
  // before the query: an unencoded "@" or "/" in a password must not leak part of it.
  let redacted = url;
  const start = url.indexOf("://");
  if (start >= 0) {
    const from = start + 3;
    const queryAt = url.slice(from).search(/[?#]/);
    const head = queryAt < 0 ? url.slice(from) : url.slice(from, from + queryAt);
    const at = head.lastIndexOf("@");
    const colon = head.indexOf(":");
    if (at >= 0 && colon >= 0 && colon < at) {
      redacted = url.slice(0, from + colon + 1) + "***" + url.slice(from + at);
    }
  }
  return redacted.replace(/([?&]password=)[^&#]*/gi, "$1***");
}

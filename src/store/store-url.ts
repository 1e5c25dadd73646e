import { isAbsolute, resolve } from "node:path";
import { LifeboatError } from "../model/errors.js";
import { redactUrl, stateUrlProblem } from "../model/urls.js";

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
  const problem = stateUrlProblem(url);
  if (problem) throw invalid(problem);
  if (!url.startsWith("sqlite:")) return { dialect: "postgres", connectionString: url };
  let rest = url.slice("sqlite:".length);
  if (rest === ":memory:") return { dialect: "sqlite", path: ":memory:", memory: true };
  if (rest.startsWith("///")) rest = rest.slice(2);
  return {
    dialect: "sqlite",
    path: isAbsolute(rest) ? rest : resolve(baseDir, rest),
    memory: false,
  };
}

/** The URL with any password replaced by `***`, safe for logs, messages and error details. */
export const redactStoreUrl: (url: string) => string = redactUrl;

import { LifeboatError } from "../model/errors.js";
import { PLUGIN_API_VERSION, type AnyPlugin } from "./plugin-api.js";

const namePattern = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$/;

/**
 * Checks that `value` is a plug-in this Lifeboat can run: the API version first (so an old
 * plug-in gets the clear "incompatible" message, not a list of missing fields), then the shape.
 * `origin` (a file path, a module name or "built-in") goes into the message.
 */
export function checkPlugin(value: unknown, origin: string): AnyPlugin {
  if (typeof value !== "object" || value === null) {
    throw invalid(origin, "it is not an object");
  }
  const p = value as Partial<Record<keyof AnyPlugin, unknown>>;
  const name = typeof p.name === "string" ? p.name : "(unnamed)";
  if (p.apiVersion !== PLUGIN_API_VERSION) {
    throw new LifeboatError(
      "LB_PLUGIN_INCOMPATIBLE",
      `plug-in ${name} from ${origin} declares apiVersion ${JSON.stringify(p.apiVersion)}; ` +
        `this Lifeboat supports apiVersion ${PLUGIN_API_VERSION}`,
      { details: { plugin: name, origin, apiVersion: p.apiVersion ?? null, supported: [1] } },
    );
  }
  if (typeof p.name !== "string" || !namePattern.test(p.name)) {
    throw invalid(origin, `name ${JSON.stringify(p.name)} is not a dotted lower-case name`);
  }
  if (typeof p.action !== "string" || p.action.length === 0) {
    throw invalid(origin, "`action` must be a non-empty string");
  }
  const schema = p.configSchema as { safeParse?: unknown } | undefined;
  if (typeof schema?.safeParse !== "function") {
    throw invalid(origin, "`configSchema` must have a safeParse method (a zod schema)");
  }
  for (const key of ["appliesTo", "execute"] as const) {
    if (typeof p[key] !== "function") throw invalid(origin, `\`${key}\` must be a function`);
  }
  for (const key of ["undo", "progress", "cancel"] as const) {
    if (p[key] !== undefined && typeof p[key] !== "function") {
      throw invalid(origin, `\`${key}\` must be a function when present`);
    }
  }
  return value as AnyPlugin;
}

function invalid(origin: string, why: string): LifeboatError {
  return new LifeboatError("LB_PLUGIN_INVALID", `${origin} is not a valid plug-in: ${why}`, {
    details: { origin },
  });
}

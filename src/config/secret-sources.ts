import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { LifeboatError } from "../model/errors.js";
import { Secret } from "../model/secret.js";
import type { ReportProblem } from "./cross-references.js";

/** Where a secret comes from: exactly one of an environment variable or a file. */
export interface SecretSource {
  readonly passwordEnv?: string | undefined;
  readonly passwordFile?: string | undefined;
}

/** What secrets are read against: the environment and the config file's folder. */
export interface SecretContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative password files are resolved against this folder (the config file's). */
  readonly baseDir: string;
}

type Lookup = { value: string } | { key: "passwordEnv" | "passwordFile"; problem: string };

function lookup(source: SecretSource, ctx: SecretContext): Lookup {
  if (source.passwordEnv !== undefined) {
    const value = ctx.env[source.passwordEnv];
    if (value === undefined) {
      return {
        key: "passwordEnv",
        problem: `environment variable ${source.passwordEnv} is not set`,
      };
    }
    if (value === "")
      return { key: "passwordEnv", problem: `environment variable ${source.passwordEnv} is empty` };
    return { value };
  }
  if (source.passwordFile !== undefined) {
    const path = isAbsolute(source.passwordFile)
      ? source.passwordFile
      : resolve(ctx.baseDir, source.passwordFile);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : "cannot be read";
      return { key: "passwordFile", problem: `password file ${path} ${reason}` };
    }
    // Editors add a final newline; it is not part of the password.
    const value = text.replace(/\r?\n$/, "");
    if (value === "") return { key: "passwordFile", problem: `password file ${path} is empty` };
    return { value };
  }
  return { key: "passwordEnv", problem: "no password source; set passwordEnv or passwordFile" };
}

/**
 * Reads a secret when a command needs it (never at load time), as a {@link Secret} that cannot
 * leak into logs or JSON. Throws `LB_SECRET_MISSING` when the source is absent or empty.
 */
export function resolveSecret(
  source: SecretSource,
  ctx: SecretContext,
  path = "repository",
): Secret {
  const found = lookup(source, ctx);
  if ("value" in found) return new Secret(found.value);
  throw new LifeboatError("LB_SECRET_MISSING", `${path}.${found.key}: ${found.problem}`, {
    details: { path: `${path}.${found.key}` },
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const asString = (value: unknown) => (typeof value === "string" ? value : undefined);

/**
 * Reports secret sources that do not resolve. Works on the raw file data, so these problems are
 * listed together with schema problems, not after the schema is fixed.
 */
export function checkSecretSources(raw: unknown, ctx: SecretContext, report: ReportProblem): void {
  if (!isRecord(raw)) return;
  const repository = raw.repository;
  if (isRecord(repository)) {
    const source = {
      passwordEnv: asString(repository.passwordEnv),
      passwordFile: asString(repository.passwordFile),
    };
    // Exactly-one is the schema's job; here only a named source that does not resolve counts.
    if (source.passwordEnv !== undefined || source.passwordFile !== undefined) {
      const found = lookup(source, ctx);
      if (!("value" in found)) report(["repository", found.key], found.problem);
    }
  }
  checkWebhookSecrets(raw, ctx, report);
  if (!isRecord(raw.providers)) return;
  for (const [name, provider] of Object.entries(raw.providers)) {
    const credentials = isRecord(provider) ? provider.credentials : undefined;
    if (!isRecord(credentials)) continue;
    for (const key of ["accessKeyIdEnv", "secretAccessKeyEnv", "sessionTokenEnv"]) {
      const variable = asString(credentials[key]);
      if (variable !== undefined && !ctx.env[variable]) {
        report(
          ["providers", name, "credentials", key],
          `environment variable ${variable} is not set`,
        );
      }
    }
  }
}

/** Each `alerts.webhooks[].secretEnv`, top level and per environment, must be set. */
function checkWebhookSecrets(
  raw: Record<string, unknown>,
  ctx: SecretContext,
  report: ReportProblem,
): void {
  const places: [PropertyKey[], unknown][] = [[[], raw.alerts]];
  if (isRecord(raw.environments)) {
    for (const [name, env] of Object.entries(raw.environments)) {
      if (isRecord(env)) places.push([["environments", name], env.alerts]);
    }
  }
  for (const [at, alerts] of places) {
    if (!isRecord(alerts) || !Array.isArray(alerts.webhooks)) continue;
    alerts.webhooks.forEach((hook: unknown, i) => {
      const variable = isRecord(hook) ? asString(hook.secretEnv) : undefined;
      if (variable !== undefined && !ctx.env[variable]) {
        report(
          [...at, "alerts", "webhooks", i, "secretEnv"],
          `environment variable ${variable} is not set`,
        );
      }
    });
  }
}

import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { LifeboatError } from "../model/errors.js";
import type { Secret } from "../model/secret.js";
import { configInvalidError } from "./config-problem.js";
import { resolveSecret } from "./secret-sources.js";
import { validateConfigText, type ValidConfig } from "./validate-config.js";

/** The config file name looked for in the current folder when nothing else names one. */
export const defaultConfigFile = "lifeboat.yaml";

type Env = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  /** `--config <file>`; wins over LIFEBOAT_CONFIG. */
  readonly config?: string | undefined;
  readonly env?: Env;
  readonly cwd?: string;
  /** Also require every password source to resolve now (`config validate`). */
  readonly checkSecrets?: boolean;
}

/** A loaded config and where it came from; relative paths in it are relative to `dir`. */
export interface LoadedConfig {
  /** Absolute path of the file read. */
  readonly file: string;
  /** The folder relative paths in the config are resolved against. */
  readonly dir: string;
  readonly config: ValidConfig;
  /** Reads the repository password now; throws LB_SECRET_MISSING when its source is absent. */
  readonly repositoryPassword: () => Secret;
}

/** The config file to read: `--config`, else LIFEBOAT_CONFIG, else ./lifeboat.yaml. */
export function configFilePath(options: LoadConfigOptions = {}): string {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  return resolve(cwd, options.config || env.LIFEBOAT_CONFIG || defaultConfigFile);
}

/**
 * Reads, parses and validates the config file. Throws `LB_CONFIG_NOT_FOUND` when it does not
 * exist and one `LB_CONFIG_INVALID` listing every problem when it is wrong. Secrets are not read
 * here (unless `checkSecrets`); call `repositoryPassword()` when a command needs it.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const file = configFilePath(options);
  const dir = dirname(file);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") {
      throw new LifeboatError("LB_CONFIG_NOT_FOUND", `no config file at ${file}`, {
        cause: error,
        details: { file },
      });
    }
    throw new LifeboatError("LB_CONFIG_INVALID", `cannot read ${file}: ${code ?? String(error)}`, {
      cause: error,
      details: { file, problems: [{ path: "", message: `cannot be read (${code})` }] },
    });
  }
  const secrets = { env, baseDir: dir };
  const result = validateConfigText(text, options.checkSecrets ? { secrets } : {});
  if (!result.ok) throw configInvalidError(file, result.problems);
  const { config } = result;
  return Object.freeze({
    file,
    dir,
    config,
    repositoryPassword: () => resolveSecret(config.repository, secrets, "repository"),
  });
}

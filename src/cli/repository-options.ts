import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { LifeboatError } from "../model/errors.js";
import { Secret } from "../model/secret.js";
import type { Backend } from "../repository/backend.js";
import { FsBackend } from "../repository/backends/fs-backend.js";
import { limitBackend } from "../repository/backends/limit-backend.js";
import { retryBackend } from "../repository/backends/retry-backend.js";
import { prefetchKeySlot } from "../repository/key-slot-prefetch.js";
import type { Repository, RepositoryOptions } from "../repository/repository.js";

/** The options every repository command accepts (docs/backup-restore.md, "Choosing the repository"). */
export interface RepositoryCliOptions {
  readonly repo?: string;
  readonly endpoint?: string;
  readonly passwordFile?: string;
  readonly config?: string;
  readonly json?: boolean;
}

/** Adds --repo, --endpoint, --password-file, --config and --json to a command. */
export function withRepositoryOptions(command: Command): Command {
  return command
    .option("--repo <url>", "repository URL: file:<path>, a path, or s3://<bucket>/<prefix>")
    .option("--endpoint <url>", "S3-compatible endpoint for an s3:// repository")
    .option("--password-file <file>", "read the password from this file (else LIFEBOAT_PASSWORD)")
    .option("--config <file>", "lifeboat.yaml naming the repository (when --repo is absent)")
    .option("--json", "print a JSON document (docs/cli-json.md); progress as NDJSON on stderr");
}

/** A repository's URL, endpoint and password source, from the flags or the config. */
export interface RepositoryTarget {
  readonly url: string;
  readonly endpoint?: string;
  readonly password: () => Secret;
  /** The password file's absolute path, when the password comes from one (key cache). */
  readonly passwordFile?: string;
}

/** Reads a password file; a missing or empty one is `LB_SECRET_MISSING`. */
export function passwordFromFile(file: string, flag = "--password-file"): Secret {
  let text: string;
  try {
    text = readFileSync(resolve(file), "utf8");
  } catch (error) {
    throw new LifeboatError("LB_SECRET_MISSING", `${flag}: cannot read ${file}`, { cause: error });
  }
  const value = text.replace(/\r?\n$/, "");
  if (value === "") throw new LifeboatError("LB_SECRET_MISSING", `${flag}: ${file} is empty`);
  return new Secret(value);
}

/** The password from --password-file, else the environment variable `envName`. */
export function passwordFrom(file: string | undefined, envName = "LIFEBOAT_PASSWORD"): Secret {
  if (file !== undefined) return passwordFromFile(file);
  const value = process.env[envName];
  if (value === undefined || value === "") {
    throw new LifeboatError("LB_SECRET_MISSING", `no repository password: set ${envName}`, {
      remedy: `Set ${envName} or pass --password-file <file>.`,
    });
  }
  return new Secret(value);
}

/**
 * Where the repository is: `--repo` (password from --password-file or LIFEBOAT_PASSWORD),
 * else the config file's `repository` section (its password source; --password-file wins).
 */
export async function repositoryTarget(options: RepositoryCliOptions): Promise<RepositoryTarget> {
  if (options.repo !== undefined) {
    return {
      url: options.repo,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      password: () => passwordFrom(options.passwordFile),
      ...(options.passwordFile === undefined
        ? {}
        : { passwordFile: resolve(options.passwordFile) }),
    };
  }
  // Loaded only without --repo: the config schema (zod, YAML) costs start-up a backup with
  // --repo should not pay.
  const [{ loadConfig }, { repositoryLocation }] = await Promise.all([
    import("../config/load-config.js"),
    import("../config/config-locations.js"),
  ]);
  const loaded = await loadConfig({ config: options.config });
  const location = repositoryLocation(loaded);
  const url =
    location.backend === "fs"
      ? location.path
      : `s3://${location.bucket}${location.prefix ? `/${location.prefix}` : ""}`;
  const endpoint = options.endpoint ?? (location.backend === "s3" ? location.endpoint : undefined);
  const configured = loaded.config.repository.passwordFile;
  const passwordFile =
    options.passwordFile !== undefined
      ? resolve(options.passwordFile)
      : configured === undefined || loaded.config.repository.passwordEnv !== undefined
        ? undefined
        : resolve(loaded.dir, configured);
  return {
    url,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(passwordFile === undefined ? {} : { passwordFile }),
    password: () =>
      options.passwordFile !== undefined
        ? passwordFromFile(options.passwordFile)
        : loaded.repositoryPassword(),
  };
}

/**
 * The backend for a URL, as `backendFromUrl` builds it (retry and concurrency decorators). The
 * S3 adapter is imported only for s3:// URLs: loading the AWS SDK costs about a second of
 * start-up that a local backup should not pay.
 */
export async function backendOf(target: { url: string; endpoint?: string }): Promise<Backend> {
  const { url, endpoint } = target;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^file:(?!\/\/)/.test(url)) {
    // Same rule and defaults as backendFromUrl: file:path or a plain path, 2 connections.
    return limitBackend(retryBackend(new FsBackend(resolve(url.replace(/^file:/, "")))), 2);
  }
  const { backendFromUrl } = await import("../repository/backends/backend-from-url.js");
  return backendFromUrl(url, endpoint === undefined ? {} : { endpoint });
}

/**
 * Opens the repository the options name, runs `body`, and closes it. Opening reads only: a
 * wrong password fails with `LB_REPO_WRONG_PASSWORD` (exit 4) before anything is written.
 *
 * Start-up order: the key derivation (scrypt, ~0.1 s on libuv's thread pool) starts first, then
 * the repository's modules and `preload` (the modules `body` needs) load on the main thread
 * while it runs; `body` itself runs once the repository is open.
 */
export async function withRepository<T>(
  options: RepositoryCliOptions,
  body: (repo: Repository, target: RepositoryTarget) => Promise<T>,
  repoOptions: RepositoryOptions = {},
  preload?: () => Promise<unknown>,
): Promise<T> {
  const target = await repositoryTarget(options);
  const password = target.password();
  const backend = await backendOf(target);
  let repo: Repository;
  try {
    const prefetch = await prefetchKeySlot(backend, password);
    const [{ Repository }] = await Promise.all([
      import("../repository/repository.js"),
      preload?.(),
    ]);
    repo = await Repository.open(backend, password, repoOptions, prefetch);
  } catch (error) {
    await backend.close().catch(() => undefined);
    throw error;
  }
  try {
    return await body(repo, target);
  } finally {
    await repo.close();
  }
}

import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LifeboatError } from "../../model/errors.js";
import type { Backend } from "../backend.js";
import { FsBackend } from "./fs-backend.js";
import { limitBackend } from "./limit-backend.js";
import { retryBackend, type RetryOptions } from "./retry-backend.js";
import { S3Backend, type S3BackendOptions } from "./s3-backend.js";

export interface BackendUrlOptions {
  /** S3-compatible endpoint (config `repository.endpoint`); implies path-style addressing. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: S3BackendOptions["credentials"];
  readonly forcePathStyle?: boolean;
  /** Operations in flight; default 2 for fs, 5 for s3 (restic's defaults). */
  readonly connections?: number;
  readonly retry?: RetryOptions;
}

/**
 * Opens the backend a repository URL names, wrapped in the retry and concurrency-limit
 * decorators: `file:/path`, `file:relative/path`, a plain path, or `s3://bucket[/prefix]`.
 * An unknown scheme is `LB_CONFIG_INVALID`.
 */
export function backendFromUrl(url: string, options: BackendUrlOptions = {}): Backend {
  let backend: Backend;
  let connections: number;
  if (url.startsWith("s3://")) {
    const rest = url.slice("s3://".length);
    const slash = rest.indexOf("/");
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (!bucket)
      throw new LifeboatError("LB_CONFIG_INVALID", `repository URL ${url} names no bucket`);
    backend = new S3Backend({
      bucket,
      prefix: slash < 0 ? "" : rest.slice(slash + 1),
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    });
    connections = options.connections ?? 5;
  } else if (url.startsWith("file://")) {
    backend = new FsBackend(fileURLToPath(url));
    connections = options.connections ?? 2;
  } else if (url.startsWith("file:") || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    backend = new FsBackend(resolve(url.replace(/^file:/, "")));
    connections = options.connections ?? 2;
  } else {
    throw new LifeboatError("LB_CONFIG_INVALID", `unsupported repository URL ${url}`, {
      remedy: "Use file:<path> or s3://<bucket>/<prefix>.",
    });
  }
  return limitBackend(retryBackend(backend, options.retry), connections);
}

import { isAbsolute, resolve } from "node:path";
import type { LoadedConfig } from "./load-config.js";

/** Where the repository lives, with relative file paths made absolute. */
export type RepositoryLocation =
  | { readonly backend: "fs"; readonly path: string }
  | {
      readonly backend: "s3";
      readonly bucket: string;
      readonly prefix: string;
      readonly endpoint?: string | undefined;
    };

const fromDir = (dir: string, path: string) => (isAbsolute(path) ? path : resolve(dir, path));

/** `file:` URLs name a path; `file:///abs` and `file:rel` are both accepted. */
function pathOf(url: string, scheme: string): string {
  const rest = url.slice(scheme.length + 1);
  return rest.startsWith("//") ? decodeURIComponent(rest.replace(/^\/\/[^/]*/, "")) : rest;
}

/**
 * Where the repository lives. (The `state` URL is parsed by the store, `parseStoreUrl`, with
 * the config's `dir` as the base for relative paths.)
 */
export function repositoryLocation({ config, dir }: LoadedConfig): RepositoryLocation {
  const { url, endpoint } = config.repository;
  if (/^file:/i.test(url)) return { backend: "fs", path: fromDir(dir, pathOf(url, "file")) };
  const [bucket = "", ...prefix] = url.replace(/^s3:\/\//i, "").split("/");
  return { backend: "s3", bucket, prefix: prefix.filter(Boolean).join("/"), endpoint };
}

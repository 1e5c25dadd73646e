import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import type { FastifyInstance } from "fastify";
import { LifeboatError } from "../model/errors.js";

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

/**
 * Serves the built dashboard from `root` at `/`: files as they are, and `index.html` for any
 * other GET outside `/api/` so the dashboard's client-side routes survive a reload. Paths are
 * normalised and must stay inside `root`. Does nothing when `root` does not exist.
 */
export function serveStaticWeb(app: FastifyInstance, root: string | undefined): void {
  if (root === undefined || !existsSync(join(root, "index.html"))) return;
  const base = normalize(root + sep);
  const send = async (file: string) => ({
    body: await readFile(file),
    type: contentTypes[extname(file)] ?? "application/octet-stream",
  });
  app.get("/*", async (request, reply) => {
    const path = decodeURIComponent(request.url.split("?")[0] ?? "/");
    if (path.startsWith("/api/")) {
      throw new LifeboatError("LB_API_ROUTE_NOT_FOUND", `no route GET ${path}`);
    }
    const file = normalize(join(base, path));
    const isFile = file.startsWith(base) && (await stat(file).catch(() => undefined))?.isFile();
    const found = await send(isFile ? file : join(base, "index.html"));
    return reply.type(found.type).send(found.body);
  });
}

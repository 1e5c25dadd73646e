import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { freePort, waitFor } from "./free-port.js";
import { initCluster } from "./postgres.js";

/** A private PostgreSQL cluster with its own settings (WAL archiving), in a temp directory. */
export interface PgCluster {
  readonly url: string;
  readonly port: number;
  /** The temp folder holding `data/` and anything the test puts beside it (owned by `user`). */
  readonly base: string;
  readonly dataDir: string;
  /** The uid/gid PostgreSQL runs as (the `postgres` user when the tests run as root). */
  readonly user: { uid: number; gid: number } | undefined;
  readonly bin: string;
  /** The server's stderr (its log), last 16 KiB. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Initialises and starts a cluster with `settings` added to postgresql.conf, e.g.
 * `archive_mode = on` and an `archive_command` naming files the test puts in `base` after the
 * start (PostgreSQL retries archiving until they are there).
 */
export async function startPgCluster(
  settings: (base: string) => Record<string, string>,
): Promise<PgCluster> {
  const { bin, user, base, dataDir } = initCluster("lifeboat-pgc-");
  const port = await freePort();
  const conf = Object.entries({
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    unix_socket_directories: `'${base}'`,
    fsync: "off",
    ...settings(base),
  }).map(([key, value]) => `${key} = ${value}`);
  writeFileSync(join(dataDir, "postgresql.auto.conf"), `${conf.join("\n")}\n`);
  if (user) chownSync(join(dataDir, "postgresql.auto.conf"), user.uid, user.gid);
  const child: ChildProcess = spawn(join(bin, "postgres"), ["-D", dataDir], {
    ...user,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-16_000);
  });
  let exited: string | undefined;
  child.on(
    "exit",
    (code, signal) => (exited = `code ${code} signal ${signal}; ${stderr.slice(-800)}`),
  );
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    if (exited === undefined && child.exitCode === null) {
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(base, { recursive: true, force: true });
  };
  try {
    await waitFor(
      `postgres on ${port}`,
      () => canConnect(url),
      30_000,
      () => exited,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, base, dataDir, user, bin, log: () => stderr, stop };
}

/** Stops a server started with pg_ctl (by `lifeboat pg restore --start`). */
export function pgCtlStop(bin: string, dataDir: string, user: PgCluster["user"]): void {
  spawnSync(join(bin, "pg_ctl"), ["stop", "-D", dataDir, "-m", "immediate", "-w"], {
    ...user,
    stdio: "ignore",
  });
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The text of a `lifeboat.yaml`: one environment `shop` protecting the PostgreSQL at `url` as
 * `main`, a SQLite state and a file repository under `base`.
 */
export function pgProtectionYaml(options: {
  base: string;
  passwordFile: string;
  url: string;
  rpo: string;
  every?: string;
}): string {
  return [
    "state: sqlite:state.db",
    `repository: { url: "file:${options.base}/repo", passwordFile: ${options.passwordFile} }`,
    "providers: { east: { type: aws, region: us-east-1 } }",
    "environments:",
    "  shop:",
    "    source: east",
    "    select: { tags: { app: shop } }",
    "    recovery: { target: east }",
    "    protect:",
    `      - postgres: { name: main, url: "${options.url}" }`,
    `        rpo: ${options.rpo}`,
    ...(options.every ? [`        every: ${options.every}`] : []),
    "",
  ].join("\n");
}

/**
 * Writes `lifeboat.yaml` (one environment `shop` protecting this cluster as `main`) and its
 * password file into the cluster's folder, readable by the server's user (its archive_command
 * runs as that user). Returns the config's path.
 */
export function writeProtectionConfig(cluster: PgCluster, password: string, rpo: string): string {
  const files = {
    password: `${password}\n`,
    "lifeboat.yaml": pgProtectionYaml({
      base: cluster.base,
      passwordFile: `${cluster.base}/password`,
      url: cluster.url,
      rpo,
      every: "1d",
    }),
  };
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(cluster.base, name), text, { mode: 0o600 });
    if (cluster.user) chownSync(join(cluster.base, name), cluster.user.uid, cluster.user.gid);
  }
  return join(cluster.base, "lifeboat.yaml");
}

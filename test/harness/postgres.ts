import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort, waitFor } from "./free-port.js";

/** A private PostgreSQL server in a temp directory, on a free loopback port. */
export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Creates a fresh database and returns its URL: one per test file keeps them isolated. */
  createDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Finds PostgreSQL's server binaries: $LIFEBOAT_PG_BIN, else the newest /usr/lib/postgresql. */
export function findPostgresBin(): string {
  const fromEnv = process.env.LIFEBOAT_PG_BIN;
  if (fromEnv && existsSync(join(fromEnv, "initdb"))) return fromEnv;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(root, versions[0], "bin");
  throw new Error(
    "PostgreSQL server binaries were not found. Install them with: apt-get install postgresql " +
      "(or set LIFEBOAT_PG_BIN to the folder holding initdb and postgres).",
  );
}

/** PostgreSQL refuses to run as root: when we are root, run it as the `postgres` user. */
export function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"]).stdout.toString().trim());
  const uid = id("-u");
  const gid = id("-g");
  if (!Number.isInteger(uid) || uid <= 0) {
    throw new Error("running as root, but there is no `postgres` user to run PostgreSQL as");
  }
  return { uid, gid };
}

/** A new cluster (initdb, trust auth) in a temp folder owned by the server's user. */
export function initCluster(prefix: string): {
  bin: string;
  user: { uid: number; gid: number } | undefined;
  base: string;
  dataDir: string;
} {
  const bin = findPostgresBin();
  const user = serverUser();
  const base = mkdtempSync(join(tmpdir(), prefix));
  if (user) chownSync(base, user.uid, user.gid);
  const dataDir = join(base, "data");
  const init = spawnSync(
    join(bin, "initdb"),
    ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"],
    { ...user, encoding: "utf8" },
  );
  if (init.status !== 0) {
    rmSync(base, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.error?.message}`);
  }
  return { bin, user, base, dataDir };
}

export async function startPostgres(): Promise<PostgresServer> {
  const { bin, user, base, dataDir } = initCluster("lifeboat-pg-");
  const port = await freePort();
  const child: ChildProcess = spawn(
    join(bin, "postgres"),
    [
      "-D",
      dataDir,
      "-p",
      String(port),
      "-k",
      base,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      "-c",
      "max_connections=200",
    ],
    { ...user, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited: string | undefined;
  child.on("exit", (code, signal) => {
    exited = `code ${code} signal ${signal}; ${stderr.trim().slice(-800)}`;
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async (): Promise<void> => {
    if (exited === undefined && child.exitCode === null) {
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGINT"); // fast shutdown
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(base, { recursive: true, force: true });
  };
  try {
    await waitFor(
      `postgres on port ${port}`,
      () => canConnect(url),
      30_000,
      () => exited,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    port,
    dataDir,
    createDatabase: (prefix) => createDatabaseOn(url, prefix),
    stop,
  };
}

/** Creates a uniquely named database on the server behind `adminUrl`; returns its URL. */
export async function createDatabaseOn(adminUrl: string, prefix = "test"): Promise<string> {
  const unique = `${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const name = `${prefix}_${unique}`.toLowerCase();
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The shared server for this test run: the one test/run-tests.ts started (LIFEBOAT_TEST_PG_URL)
 * or, when a file runs alone, a private one this process starts and stops at exit.
 */
export async function testPostgresDatabase(
  prefix?: string,
): Promise<{ url: string; release(): Promise<void> }> {
  const shared = process.env.LIFEBOAT_TEST_PG_URL;
  if (shared)
    return { url: await createDatabaseOn(shared, prefix), release: async () => undefined };
  const server = await startPostgres();
  return { url: await server.createDatabase(prefix), release: () => server.stop() };
}

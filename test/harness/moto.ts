import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, waitFor } from "./free-port.js";

/** A private moto server (AWS emulator) on a free loopback port, one per test file. */
export interface MotoServer {
  /** e.g. http://127.0.0.1:43121 — one endpoint for every service and region. */
  readonly endpoint: string;
  /** The moto_server process id; a wrapper that execs (as pyenv shims do) keeps the same pid. */
  readonly pid: number;
  /** Wipes every backend (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** SDK v3 client settings for moto: dummy credentials (requests must be signed), no retries. */
export interface MotoClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly maxAttempts: number;
}

export function motoClientConfig(
  moto: Pick<MotoServer, "endpoint">,
  region: string,
): MotoClientConfig {
  return {
    endpoint: moto.endpoint,
    region,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    maxAttempts: 1,
  };
}

/** S3 needs path-style addressing against moto (virtual hosts of 127.0.0.1 do not resolve). */
export function motoS3Config(moto: Pick<MotoServer, "endpoint">, region = "us-east-1") {
  return { ...motoClientConfig(moto, region), forcePathStyle: true };
}

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Finds moto_server: $LIFEBOAT_MOTO_SERVER, then PATH, then the repo's .venv-moto. */
export function findMotoServer(): string {
  const candidates = [
    process.env.LIFEBOAT_MOTO_SERVER,
    ...(process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, "moto_server")),
    join(repoRoot, ".venv-moto", "bin", "moto_server"),
  ];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  throw new Error(
    "moto_server was not found. Install it with: python3 -m venv .venv-moto && " +
      ".venv-moto/bin/pip install 'moto[server]==5.2.1' (or set LIFEBOAT_MOTO_SERVER).",
  );
}

export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(findMotoServer(), ["-H", "127.0.0.1", "-p", String(port)], {
    env: { ...process.env, MOTO_EC2_LOAD_DEFAULT_AMIS: "false" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited: string | undefined;
  child.on("exit", (code, signal) => {
    exited = `code ${code} signal ${signal}; stderr: ${stderr.trim().slice(-800)}`;
  });
  child.on("error", (error) => {
    exited = error.message;
  });
  const stop = async (): Promise<void> => {
    if (exited !== undefined || child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await gone;
    clearTimeout(timer);
  };
  try {
    await waitFor(
      `moto_server on port ${port}`,
      async () => (await fetch(`${endpoint}/moto-api/`)).ok,
      30_000,
      () => exited,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    pid: child.pid ?? -1,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    stop,
  };
}

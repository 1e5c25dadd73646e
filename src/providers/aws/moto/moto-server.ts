import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LifeboatError } from "../../../model/errors.js";
import { freePort, waitFor } from "./free-port.js";

/**
 * A private moto server (the AWS emulator) on a free loopback port: one per test file, and the
 * one `lifeboat demo` runs its cloud on.
 */
export interface MotoServer {
  /** e.g. http://127.0.0.1:43121 — one endpoint for every service and region. */
  readonly endpoint: string;
  /** The moto_server process id; a wrapper that execs (as pyenv shims do) keeps the same pid. */
  readonly pid: number;
  /** Wipes every backend (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** SIGTERM, then SIGKILL after 3 s; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
}

// Compiled to dist/src/providers/aws/moto/: five levels below the repository root.
const repoRoot = fileURLToPath(new URL("../../../../../", import.meta.url));

/**
 * Finds moto_server: $LIFEBOAT_MOTO_SERVER if set, else PATH, then the repository's .venv-moto
 * (where scripts/setup.sh puts it). None → `LB_MOTO_NOT_FOUND`.
 */
export function findMotoServer(env: NodeJS.ProcessEnv = process.env): string {
  const named = env.LIFEBOAT_MOTO_SERVER;
  // A path the user set explicitly and got wrong is reported, not silently replaced.
  if (named) {
    if (existsSync(named)) return named;
    throw new LifeboatError("LB_MOTO_NOT_FOUND", `LIFEBOAT_MOTO_SERVER=${named} does not exist`, {
      details: { path: named },
    });
  }
  const candidates = [
    ...(env.PATH ?? "").split(delimiter).map((dir) => join(dir, "moto_server")),
    join(repoRoot, ".venv-moto", "bin", "moto_server"),
  ];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  throw new LifeboatError(
    "LB_MOTO_NOT_FOUND",
    "moto_server (the AWS emulator) is not on PATH, in .venv-moto or at $LIFEBOAT_MOTO_SERVER",
    { details: { looked: candidates.length } },
  );
}

/**
 * Starts moto_server on a free port and waits until it answers. Default AMIs are off: loading
 * them makes every DescribeImages call take about a second (../shared/notes/moto.md).
 */
export async function startMoto(
  options: { readonly timeoutMs?: number } = {},
): Promise<MotoServer> {
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
      options.timeoutMs ?? 30_000,
      () => exited,
    );
  } catch (error) {
    await stop();
    throw new LifeboatError("LB_MOTO_START_FAILED", (error as Error).message, {
      cause: error,
      details: { port },
    });
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

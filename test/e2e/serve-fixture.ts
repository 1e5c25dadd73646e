/** Starts `lifeboat serve` as a child process and talks to it over HTTP. */
import { spawn, type ChildProcess } from "node:child_process";
import { password } from "./capture-fixture.js";
import { cliPath } from "./cli.js";

/** The environment every `serve` test gives its servers: the repository password, moto's keys. */
export const serveEnv = {
  LIFEBOAT_PASSWORD: password,
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_EC2_METADATA_DISABLED: "true",
};

/** One JSON line of a server's `--json` log on stderr. */
export interface LogLine {
  readonly event: string;
  readonly runId?: string;
  readonly incidentId?: string;
}

/** Whether a server holds the scheduler lease, as its `/healthz` says. */
export async function leads(p: ServeProcess): Promise<boolean> {
  return ((await p.get("/healthz")).json as { scheduler: { leader: boolean } }).scheduler.leader;
}

/** Servers started on one workspace, all killed by `killAll` (a test's `finally`). */
export class ServeGroup {
  readonly started: ServeProcess[] = [];

  constructor(
    private readonly args: readonly string[],
    private readonly cwd: string,
  ) {}

  async start(): Promise<ServeProcess> {
    const p = await startServe(this.args, { cwd: this.cwd, env: serveEnv });
    this.started.push(p);
    return p;
  }

  killAll(): void {
    for (const p of this.started) p.child.kill("SIGKILL");
  }
}

/** The JSON lines a server has logged so far. */
export function logLines(p: ServeProcess): LogLine[] {
  return p
    .stderr()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as LogLine);
}

/** The lines of one event a server has logged so far. */
export function logged(p: ServeProcess, event: string): LogLine[] {
  return logLines(p).filter((l) => l.event === event);
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly owner: string;
  readonly stderr: () => string;
  /** Resolves with the exit code (or signal) once the process ended. */
  readonly exited: Promise<number | string | null>;
  get(path: string, token?: string): Promise<{ status: number; json: unknown; text: string }>;
}

/** Runs `lifeboat serve --port 0 --json` and waits for the line naming its URL. */
export async function startServe(
  args: readonly string[],
  options: { readonly cwd: string; readonly env: Record<string, string> },
): Promise<ServeProcess> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("LIFEBOAT_")) env[key] = value;
  }
  const child = spawn(process.execPath, [cliPath, "serve", "--port", "0", "--json", ...args], {
    cwd: options.cwd,
    env: { ...env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal)),
  );
  const first = await new Promise<{ url: string; owner: string }>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) {
        try {
          resolve(JSON.parse(line) as { url: string; owner: string });
        } catch (error) {
          reject(new Error(`serve printed ${line}: ${String(error)}\n${stderr}`));
        }
      }
    });
    void exited.then((code) => reject(new Error(`serve exited ${String(code)}:\n${stderr}`)));
  });
  return {
    child,
    url: first.url,
    owner: first.owner,
    stderr: () => stderr,
    exited,
    get: async (path, token) => {
      const response = await fetch(`${first.url}${path}`, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, json, text };
    },
  };
}

/** Polls `check` every 200 ms until it returns a value other than undefined (generous timeout). */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Runs the built `lifeboat` CLI as a user would: a child process, its own working folder, an
 * environment free of the developer's LIFEBOAT_* variables. Shared by every end-to-end test.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The CLI entry point of the dist folder this file was compiled into. */
export const cliPath = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  /** Added to a copy of this process's environment without its LIFEBOAT_* variables. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** Run as this user (root only): e.g. the `postgres` user an archive_command runs as. */
  readonly user?: { readonly uid: number; readonly gid: number };
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("LIFEBOAT_")) env[key] = value;
  }
  return { ...env, NO_COLOR: "1" };
}

/** Runs `lifeboat <args>` and resolves with its exit code and output; never rejects on exit. */
export async function runLifeboat(args: readonly string[], options: RunOptions): Promise<CliRun> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: { ...baseEnv(), ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    ...options.user,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  try {
    const code = await new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (exit, signal) => resolve(exit ?? (signal ? 128 : 1)));
    });
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** Parses a run's stdout as the one JSON document `--json` promises. */
export function jsonOf<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`,
    );
  }
}

/** A fresh temporary folder; call `remove` when done (e.g. in `after`). */
export function makeTempDir(prefix = "lifeboat-e2e-"): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

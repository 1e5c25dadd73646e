/**
 * Runs a peer tool as a child process and measures it: wall time, CPU time and peak resident
 * memory. Uses GNU time (`/usr/bin/time`, Debian package `time`) when present, which reads the
 * kernel's rusage; otherwise polls the child's VmHWM in /proc every 20 ms.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

/** What one measured step cost. */
export interface Measurement {
  readonly wallSeconds: number;
  /** User + system CPU seconds (null when only polling was available). */
  readonly cpuSeconds: number | null;
  readonly peakRssBytes: number;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

const GNU_TIME = "/usr/bin/time";

function readHwm(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs `command args…`; rejects with the tail of stderr when it exits non-zero. */
export async function measure(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<Measurement> {
  // LIFEBOAT_BENCH_POLL_RSS=1 forces the /proc fallback (to test it where GNU time exists).
  const useTime = existsSync(GNU_TIME) && process.env.LIFEBOAT_BENCH_POLL_RSS !== "1";
  const timeFile = join(tmpdir(), `lifeboat-bench-time-${process.pid}-${Date.now()}`);
  const [file, argv] = useTime
    ? [GNU_TIME, ["-f", "%e %U %S %M", "-o", timeFile, command, ...args]]
    : [command, [...args]];
  // Dirty pages of the previous step (a restore's 1 GiB) are flushed first, so the kernel's
  // write-back is not charged to whichever tool happens to run next.
  spawnSync("sync", { stdio: "ignore" });
  const started = performance.now();
  const child = spawn(file, argv, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (data: Buffer) => {
    stderr = (stderr + data.toString()).slice(-4000);
  });
  let polledPeak = 0;
  const poller = useTime
    ? undefined
    : setInterval(() => (polledPeak = Math.max(polledPeak, readHwm(child.pid ?? 0))), 20);
  const code = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (exitCode) => resolve(exitCode ?? 1));
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (poller) clearInterval(poller);
  if (code !== 0) {
    rmSync(timeFile, { force: true });
    throw new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr.trim()}`);
  }
  if (!useTime) return { wallSeconds, cpuSeconds: null, peakRssBytes: polledPeak };
  const fields = readFileSync(timeFile, "utf8").trim().split(/\s+/).slice(-4).map(Number);
  rmSync(timeFile, { force: true });
  const [, user = 0, system = 0, maxKiB = 0] = fields;
  return { wallSeconds, cpuSeconds: user + system, peakRssBytes: maxKiB * 1024 };
}

/** Runs a command for its output (versions); rejects when it fails. */
export async function capture(command: string, args: readonly string[]): Promise<string> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (data: Buffer) => (out += data.toString()));
  child.stderr.on("data", (data: Buffer) => (out += data.toString()));
  const code = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (exitCode) => resolve(exitCode ?? 1));
  });
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${code}: ${out}`);
  return out.trim();
}

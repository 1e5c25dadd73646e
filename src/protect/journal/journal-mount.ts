import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LifeboatError } from "../../model/errors.js";
import { currentSession, segmentPath, sessionSegments } from "./journal-reader.js";

/** The pass-through built by scripts/build-journalfs.sh (dist/native/), or LIFEBOAT_JOURNALFS. */
export function journalfsPath(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.LIFEBOAT_JOURNALFS ??
    fileURLToPath(new URL("../../../native/lifeboat-journalfs", import.meta.url))
  );
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `ready` until it holds; waits on an outside process, never on the test clock. */
async function until(ready: () => Promise<boolean>, what: string, limitMs = 15_000): Promise<void> {
  for (let waited = 0; !(await ready()); waited += 20) {
    if (waited > limitMs) throw new LifeboatError("LB_VOLUME_UNAVAILABLE", `timed out: ${what}`);
    await pause(20);
  }
}

/**
 * A running journal pass-through: the protected image exposed as `<mountpoint>/image`, every
 * write journaled in `journalDir` (docs/protect.md, "Journal"). Writers use `file`; the agent
 * uses `rotate` for resynchronisation and `stop` to unmount.
 */
export class JournalMount {
  private constructor(
    private readonly child: ChildProcess,
    readonly mountpoint: string,
    readonly journalDir: string,
    readonly session: string,
  ) {}

  /** The file writers write to. */
  get file(): string {
    return join(this.mountpoint, "image");
  }

  static async start(options: {
    image: string;
    journalDir: string;
    mountpoint: string;
    segmentBytes?: number;
    binary?: string;
  }): Promise<JournalMount> {
    const binary = options.binary ?? journalfsPath();
    if (!existsSync(binary)) {
      throw new LifeboatError("LB_VOLUME_UNAVAILABLE", `${binary} is missing`, {
        remedy: "Build the journal pass-through: scripts/build-journalfs.sh (needs libfuse3-dev).",
      });
    }
    await mkdir(options.journalDir, { recursive: true });
    await mkdir(options.mountpoint, { recursive: true });
    const before = await currentSession(options.journalDir);
    const args = [options.image, options.journalDir, options.mountpoint, "-f", "-s"];
    if (options.segmentBytes) args.push("--segment-bytes", String(options.segmentBytes));
    const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    let exited = false;
    child.on("exit", () => (exited = true));
    await until(async () => {
      if (exited) {
        throw new LifeboatError("LB_VOLUME_UNAVAILABLE", `journal pass-through failed: ${stderr}`);
      }
      const session = await currentSession(options.journalDir);
      return (
        session !== null && session !== before && existsSync(join(options.mountpoint, "image"))
      );
    }, `mounting ${options.mountpoint}`);
    const session = (await currentSession(options.journalDir))!;
    return new JournalMount(child, options.mountpoint, options.journalDir, session);
  }

  /** Starts a new segment now (SIGUSR1); resolves with its sequence number once it exists. */
  async rotate(): Promise<number> {
    const seqs = await sessionSegments(this.journalDir, this.session);
    const next = (seqs.at(-1) ?? -1) + 1;
    this.child.kill("SIGUSR1");
    await until(
      async () => existsSync(segmentPath(this.journalDir, this.session, next)),
      "a new journal segment",
    );
    return next;
  }

  /** Unmounts and waits for the pass-through to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exit = new Promise((resolve) => this.child.once("exit", resolve));
    spawn("fusermount3", ["-u", this.mountpoint], { stdio: "ignore" }).on("error", () => {
      this.child.kill("SIGTERM");
    });
    await Promise.race([exit, pause(5_000).then(() => this.child.kill("SIGKILL"))]);
    await exit;
  }
}

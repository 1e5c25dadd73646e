import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dirSize } from "./dir-size.js";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { measure, type Measurement } from "./measure.js";
import type { BenchContext, Runner, RunnerInfo } from "./runner.js";

/** The built `lifeboat` CLI, exactly what a user runs. */
const cli = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const env = { LIFEBOAT_PASSWORD: "lifeboat-bench-password" };
const inAgent = fileURLToPath(new URL("./in-agent-incremental.js", import.meta.url));

/** How the incremental runs: the CLI re-reading, the CLI with ranges, or inside a live agent. */
export type LifeboatMode = "reread" | "changed-ranges" | "in-agent";

/**
 * Lifeboat through its real CLI (`repo init`, `backup --kind image`, `restore`): fs backend,
 * 1 MiB fixed chunks, zstd 3, AES-256-GCM, 32 MiB packs, hashing and sealing on one worker
 * thread per core. In "changed-ranges" mode the incremental gets `--changed-ranges` (as
 * changed-block tracking would give it); otherwise it re-reads the image and deduplicates, like
 * restic and borg. In "in-agent" mode the incremental runs inside a process that already holds
 * the unlocked key (bench/in-agent-incremental.ts), as continuous protection does; only the
 * backup call is timed.
 */
export class LifeboatRunner implements Runner {
  readonly name: string;

  constructor(private readonly mode: LifeboatMode) {
    this.name = {
      reread: "lifeboat (re-read)",
      "changed-ranges": "lifeboat (changed ranges)",
      "in-agent": "lifeboat (in-agent incremental)",
    }[mode];
  }

  async describe(): Promise<RunnerInfo> {
    return {
      version: "this tree (lifeboat CLI: backup/restore pipeline with a worker pool)",
      settings: `fixed 1 MiB chunks, zstd 3, AES-256-GCM, 32 MiB packs, scrypt N=2^15; incremental ${
        {
          reread: "re-reads the image",
          "changed-ranges": "with --changed-ranges",
          "in-agent": "with changed ranges inside an open repository (key already derived)",
        }[this.mode]
      }`,
    };
  }

  private repo(context: BenchContext): string {
    return join(context.workDir, "repo");
  }

  private run(args: readonly string[]) {
    return measure(process.execPath, [cli, ...args], { env });
  }

  async init(context: BenchContext): Promise<void> {
    // A fixed scrypt cost, so that init does not spend time calibrating.
    await this.run(["repo", "init", "--repo", this.repo(context), "--kdf-n", String(2 ** 15)]);
  }

  fullBackup(context: BenchContext) {
    return this.run(["backup", context.image, "--kind", "image", "--repo", this.repo(context)]);
  }

  async incrementalBackup(context: BenchContext): Promise<Measurement> {
    const file = join(context.workDir, "changed.json");
    writeFileSync(file, JSON.stringify(context.changedRanges));
    if (this.mode === "in-agent") {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [inAgent, this.repo(context), context.image, file],
        { env: { ...process.env, ...env } },
      );
      return JSON.parse(stdout) as Measurement;
    }
    const args = ["backup", context.image, "--kind", "image", "--repo", this.repo(context)];
    if (this.mode === "changed-ranges") args.push("--changed-ranges", file);
    return this.run(args);
  }

  async restore(context: BenchContext, target: string) {
    mkdirSync(target, { recursive: true });
    const measurement = await this.run([
      "restore",
      "latest",
      "--target",
      target,
      "--repo",
      this.repo(context),
    ]);
    return { measurement, file: join(target, basename(context.image)) };
  }

  async repositorySize(context: BenchContext): Promise<number> {
    return dirSize(this.repo(context));
  }
}

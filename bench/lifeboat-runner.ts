import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dirSize } from "./dir-size.js";
import { measure } from "./measure.js";
import type { BenchContext, Runner, RunnerInfo } from "./runner.js";

/** The built `lifeboat` CLI, exactly what a user runs. */
const cli = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const env = { LIFEBOAT_PASSWORD: "lifeboat-bench-password" };

/**
 * Lifeboat through its real CLI (`repo init`, `backup --kind image`, `restore`): fs backend,
 * 1 MiB fixed chunks, zstd 3, AES-256-GCM, 32 MiB packs, hashing and sealing on one worker
 * thread per core. With `changedRanges` true the incremental gets `--changed-ranges` (as
 * changed-block tracking would give it); otherwise it re-reads the image and deduplicates, like
 * restic and borg.
 */
export class LifeboatRunner implements Runner {
  readonly name: string;

  constructor(private readonly changedRanges: boolean) {
    this.name = changedRanges ? "lifeboat (changed ranges)" : "lifeboat (re-read)";
  }

  async describe(): Promise<RunnerInfo> {
    return {
      version: "this tree (lifeboat CLI: backup/restore pipeline with a worker pool)",
      settings: `fixed 1 MiB chunks, zstd 3, AES-256-GCM, 32 MiB packs, scrypt N=2^15; incremental ${
        this.changedRanges ? "with --changed-ranges" : "re-reads the image"
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

  incrementalBackup(context: BenchContext) {
    const args = ["backup", context.image, "--kind", "image", "--repo", this.repo(context)];
    if (this.changedRanges) {
      const file = join(context.workDir, "changed.json");
      writeFileSync(file, JSON.stringify(context.changedRanges));
      args.push("--changed-ranges", file);
    }
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

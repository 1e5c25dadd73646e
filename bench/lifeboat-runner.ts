import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dirSize } from "./dir-size.js";
import { measure } from "./measure.js";
import type { BenchContext, Runner, RunnerInfo } from "./runner.js";

const cli = fileURLToPath(new URL("./lifeboat-bench-cli.js", import.meta.url));

/**
 * Lifeboat through the benchmark's own image backup (bench/lifeboat-image.ts) over the real
 * repository format: fs backend, 1 MiB fixed chunks, zstd 3, AES-256-GCM, 32 MiB packs. With
 * `changedRanges` true the incremental gets the changed-range list (changed-block tracking);
 * otherwise it re-reads the whole image and deduplicates, like restic and borg.
 */
export class LifeboatRunner implements Runner {
  readonly name: string;

  constructor(private readonly changedRanges: boolean) {
    this.name = changedRanges ? "lifeboat (changed ranges)" : "lifeboat (re-read)";
  }

  async describe(): Promise<RunnerInfo> {
    return {
      version: "this tree (bench prototype of the image backup, CPU work on 1 thread)",
      settings: `fixed 1 MiB chunks, zstd 3, AES-256-GCM; incremental ${
        this.changedRanges ? "from the changed-range list" : "re-reads the image"
      }`,
    };
  }

  private repo(context: BenchContext): string {
    return join(context.workDir, "repo");
  }

  async init(context: BenchContext): Promise<void> {
    await measure(process.execPath, [cli, "init", this.repo(context)]);
  }

  fullBackup(context: BenchContext) {
    return measure(process.execPath, [
      cli,
      "backup",
      this.repo(context),
      context.image,
      String(context.imageSize),
    ]);
  }

  incrementalBackup(context: BenchContext) {
    const args = [cli, "backup", this.repo(context), context.image, String(context.imageSize)];
    if (this.changedRanges) {
      const file = join(context.workDir, "changed.json");
      writeFileSync(file, JSON.stringify(context.changedRanges));
      args.push(file);
    }
    return measure(process.execPath, args);
  }

  async restore(context: BenchContext, target: string) {
    mkdirSync(target, { recursive: true });
    const file = join(target, basename(context.image));
    const measurement = await measure(process.execPath, [cli, "restore", this.repo(context), file]);
    return { measurement, file };
  }

  async repositorySize(context: BenchContext): Promise<number> {
    return dirSize(this.repo(context));
  }
}

import { mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { dirSize, findFile } from "./dir-size.js";
import { capture, measure } from "./measure.js";
import type { BenchContext, Runner, RunnerInfo } from "./runner.js";

const PASSWORD = "lifeboat-bench-password";

/**
 * restic (Debian package). Settings: repository format 2, `--compression auto` (restic's
 * default: zstd "default" level, incompressible data stored raw), default chunker
 * (512 KiB–8 MiB Rabin), local cache in the work folder. The incremental run re-reads and
 * re-chunks the whole image, because restic has no changed-block input.
 */
export class ResticRunner implements Runner {
  readonly name = "restic";

  private env(context: BenchContext): Record<string, string> {
    return {
      RESTIC_REPOSITORY: join(context.workDir, "repo"),
      RESTIC_PASSWORD: PASSWORD,
      RESTIC_CACHE_DIR: join(context.workDir, "cache"),
    };
  }

  async describe(): Promise<RunnerInfo | null> {
    try {
      const version = await capture("restic", ["version"]);
      return { version, settings: "--compression auto, default chunker, local fs repository" };
    } catch {
      return null;
    }
  }

  async init(context: BenchContext): Promise<void> {
    await measure("restic", ["init", "--repository-version", "2"], { env: this.env(context) });
  }

  private backup(context: BenchContext) {
    return measure(
      "restic",
      ["backup", "--compression", "auto", "--host", "bench", basename(context.image)],
      { cwd: dirname(context.image), env: this.env(context) },
    );
  }

  fullBackup(context: BenchContext) {
    return this.backup(context);
  }

  incrementalBackup(context: BenchContext) {
    return this.backup(context);
  }

  async restore(context: BenchContext, target: string) {
    mkdirSync(target, { recursive: true });
    const measurement = await measure("restic", ["restore", "latest", "--target", target], {
      env: this.env(context),
    });
    const file = findFile(target, basename(context.image));
    if (file === null) throw new Error("restic restored no image");
    return { measurement, file };
  }

  async repositorySize(context: BenchContext): Promise<number> {
    return dirSize(join(context.workDir, "repo"));
  }
}

import { mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { dirSize, findFile } from "./dir-size.js";
import { capture, measure } from "./measure.js";
import type { BenchContext, Runner, RunnerInfo } from "./runner.js";

const PASSWORD = "lifeboat-bench-password";

/**
 * BorgBackup 1.x (Debian package). Settings: `--encryption=repokey-blake2`,
 * `--compression auto,zstd,3` (a fast entropy test skips incompressible chunks, zstd level 3
 * otherwise: the closest match to restic's `auto`), default buzhash chunker (19,23,21,4095),
 * cache and config in the work folder. Like restic, the incremental re-reads the whole image.
 */
export class BorgRunner implements Runner {
  readonly name = "borg";
  private archives = 0;

  private repo(context: BenchContext): string {
    return join(context.workDir, "repo");
  }

  private env(context: BenchContext): Record<string, string> {
    return {
      BORG_PASSPHRASE: PASSWORD,
      BORG_BASE_DIR: join(context.workDir, "home"),
      BORG_RELOCATED_REPO_ACCESS_IS_OK: "yes",
    };
  }

  async describe(): Promise<RunnerInfo | null> {
    try {
      const version = await capture("borg", ["--version"]);
      return {
        version,
        settings: "--encryption=repokey-blake2, --compression auto,zstd,3, default chunker",
      };
    } catch {
      return null;
    }
  }

  async init(context: BenchContext): Promise<void> {
    await measure("borg", ["init", "--encryption=repokey-blake2", this.repo(context)], {
      env: this.env(context),
    });
  }

  private backup(context: BenchContext) {
    this.archives++;
    const archive = `${this.repo(context)}::backup-${this.archives}`;
    return measure(
      "borg",
      ["create", "--compression", "auto,zstd,3", archive, basename(context.image)],
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
    const archive = `${this.repo(context)}::backup-${this.archives}`;
    const measurement = await measure("borg", ["extract", archive], {
      cwd: target,
      env: this.env(context),
    });
    const file = findFile(target, basename(context.image));
    if (file === null) throw new Error("borg restored no image");
    return { measurement, file };
  }

  async repositorySize(context: BenchContext): Promise<number> {
    return dirSize(this.repo(context));
  }
}

import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { defaultConfigFile } from "../../config/load-config.js";
import { starterConfig } from "../../config/starter-config.js";
import { LifeboatError } from "../../model/errors.js";
import { printResult, type CliIo } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";

interface InitOptions {
  readonly dir?: string;
  readonly force?: boolean;
  readonly json?: boolean;
}

/** `--json` output of `init` (docs/cli-json.md). */
export interface InitJson {
  readonly ok: true;
  /** Absolute path of the config file written. */
  readonly config: string;
  /** True when an existing config was replaced (--force). */
  readonly overwritten: boolean;
  /** Absolute paths of the local folders, created or already present. */
  readonly folders: readonly string[];
  /** Commands to run next. */
  readonly next: readonly string[];
}

/** A folder or file init cannot write is the user's to fix, not a bug. */
function cannotWrite(path: string, error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code || !["EACCES", "EPERM", "EROFS", "ENOTDIR", "EEXIST", "EISDIR"].includes(code)) {
    throw error;
  }
  throw new LifeboatError("LB_INVALID_INPUT", `cannot write ${path} (${code})`, {
    cause: error,
    details: { path },
    remedy: "Choose a folder you can write to with --dir.",
  });
}

async function init(io: CliIo, options: InitOptions): Promise<void> {
  const dir = resolve(options.dir ?? ".");
  const file = join(dir, defaultConfigFile);
  const local = join(dir, ".lifeboat");
  const folders = [local, join(local, "repo")];
  await mkdir(dir, { recursive: true }).catch((error: unknown) => cannotWrite(dir, error));
  let overwritten = false;
  try {
    // "wx" fails if the file exists, so a concurrent init cannot be overwritten either.
    await writeFile(file, starterConfig, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") cannotWrite(file, error);
    if (!options.force) {
      throw new LifeboatError("LB_CONFIG_EXISTS", `${file} already exists; nothing was written`, {
        details: { file },
      });
    }
    await writeFile(file, starterConfig).catch((e: unknown) => cannotWrite(file, e));
    overwritten = true;
  }
  try {
    for (const folder of folders) await mkdir(folder, { recursive: true });
    // Local state and the local repository are not source code.
    await writeFile(join(local, ".gitignore"), "*\n");
  } catch (error) {
    cannotWrite(local, error);
  }
  const result: InitJson = {
    ok: true,
    config: file,
    overwritten,
    folders,
    next: [
      "export LIFEBOAT_PASSWORD=<a long passphrase you keep somewhere safe>",
      "lifeboat config validate",
      "lifeboat repo init",
    ],
  };
  printResult(io, options.json, result, (r) =>
    [
      `${r.overwritten ? "overwrote" : "wrote"} ${r.config}`,
      ...r.folders.map((f) => `created ${f}`),
      "next:",
      ...r.next.map((step) => `  ${step}`),
    ].join("\n"),
  );
}

/** `lifeboat init`: writes a commented starter config and the local `.lifeboat/` folders. */
export const registerInit: RegisterCommand = (program, io) => {
  program
    .command("init")
    .description("Write a starter lifeboat.yaml and create the local .lifeboat/ folders.")
    .option("--dir <dir>", "folder to initialise (default: the current folder)")
    .option("--force", "overwrite an existing lifeboat.yaml")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (options: InitOptions) => {
      await runAction(io, options.json, () => init(io, options));
    });
};

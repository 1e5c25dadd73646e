import { LifeboatError } from "../../model/errors.js";
import { Repository } from "../../repository/repository.js";
import { commandGroup } from "../command-group.js";
import { printResult } from "../output.js";
import {
  backendOf,
  repositoryTarget,
  withRepositoryOptions,
  type RepositoryCliOptions,
} from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

interface RepoInitOptions extends RepositoryCliOptions {
  readonly kdfN?: string;
  readonly packSize?: string;
}

const MiB = 1024 * 1024;

function packSizeOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 128) {
    throw new LifeboatError("LB_USAGE", "--pack-size is in MiB, from 1 to 128");
  }
  return n * MiB;
}

/** `--json` output of `repo init` (docs/cli-json.md). */
export interface RepoInitJson {
  readonly ok: true;
  readonly repository: string;
  readonly id: string;
  readonly keyId: string;
  readonly packSize: number;
}

function kdfOf(value: string | undefined) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1024 || (n & (n - 1)) !== 0) {
    throw new LifeboatError("LB_USAGE", "--kdf-n must be a power of two ≥ 1024");
  }
  return { N: n, r: 8, p: 1 };
}

/** `lifeboat repo init`: creates an encrypted repository (never overwrites one). */
export const registerRepoInit: RegisterCommand = (program, io) => {
  withRepositoryOptions(
    commandGroup(program, "repo", "Manage the encrypted repository.")
      .command("init")
      .description("Create a new encrypted repository with a first key.")
      .option("--kdf-n <n>", "scrypt cost N (default: calibrated to ~0.7 s on this machine)")
      .option("--pack-size <MiB>", "target pack size in MiB, 1 to 128 (default 32)"),
  ).action(async (options: RepoInitOptions) => {
    await runAction(io, options.json, async () => {
      const kdf = kdfOf(options.kdfN);
      const packSize = packSizeOf(options.packSize);
      const target = await repositoryTarget(options);
      const password = target.password();
      const repo = await Repository.init(await backendOf(target), password, {
        ...(kdf ? { kdf } : {}),
        ...(packSize ? { packSize } : {}),
      });
      try {
        const json: RepoInitJson = {
          ok: true,
          repository: repo.backend.location,
          id: repo.config.id,
          keyId: repo.keyId,
          packSize: repo.config.packSize,
        };
        printResult(io, options.json, json, (r) => `created repository ${r.id} at ${r.repository}`);
      } finally {
        await repo.close();
      }
    });
  });
};

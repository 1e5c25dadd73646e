import { copySnapshots, type CopyReport } from "../../repository/copy.js";
import { Repository } from "../../repository/repository.js";
import { resolveSnapshot } from "../../repository/restorer/resolve-snapshot.js";
import { LifeboatError } from "../../model/errors.js";
import { Secret } from "../../model/secret.js";
import { commandGroup } from "../command-group.js";
import { printResult } from "../output.js";
import {
  backendOf,
  passwordFromFile,
  withRepository,
  withRepositoryOptions,
  type RepositoryCliOptions,
} from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

interface CopyOptions extends RepositoryCliOptions {
  readonly to?: string;
  readonly toEndpoint?: string;
  readonly toPasswordFile?: string;
}

/** `--json` output of `repo copy` (docs/cli-json.md). */
export interface CopyJson extends CopyReport {
  readonly ok: true;
  readonly to: string;
}

/** `lifeboat repo copy <snapshot…> --to <url>`: replicate snapshots into another repository. */
export const registerRepoCopy: RegisterCommand = (program, io) => {
  withRepositoryOptions(
    commandGroup(program, "repo", "Manage the encrypted repository.")
      .command("copy")
      .description("Copy snapshots into another (initialised) repository.")
      .argument("<snapshots...>", "snapshot ids, prefixes, or latest")
      .option("--to <url>", "destination repository URL (required)")
      .option("--to-endpoint <url>", "S3-compatible endpoint of the destination")
      .option(
        "--to-password-file <file>",
        "destination password (else LIFEBOAT_TO_PASSWORD, else the source's)",
      ),
  ).action(async (refs: string[], options: CopyOptions) => {
    await runAction(io, options.json, async () => {
      if (!options.to) throw new LifeboatError("LB_USAGE", "repo copy needs --to <url>");
      const to = options.to;
      await withRepository(options, async (source, target) => {
        const ids = [];
        for (const ref of refs) ids.push((await resolveSnapshot(source, ref)).id);
        const envPassword = process.env.LIFEBOAT_TO_PASSWORD;
        const password = options.toPasswordFile
          ? passwordFromFile(options.toPasswordFile, "--to-password-file")
          : envPassword
            ? new Secret(envPassword)
            : target.password();
        const backend = await backendOf({
          url: to,
          ...(options.toEndpoint ? { endpoint: options.toEndpoint } : {}),
        });
        const destination = await Repository.open(backend, password).catch(
          async (error: unknown) => {
            await backend.close().catch(() => undefined);
            throw error;
          },
        );
        try {
          const json: CopyJson = {
            ok: true,
            to,
            ...(await copySnapshots(source, destination, ids)),
          };
          printResult(io, options.json, json, (r) =>
            [
              ...r.copied.map((c) => `copied ${c.from} -> ${c.to}`),
              ...r.skipped.map((s) => `skipped ${s} (already copied)`),
            ].join("\n"),
          );
        } finally {
          await destination.close();
        }
      });
    });
  });
};

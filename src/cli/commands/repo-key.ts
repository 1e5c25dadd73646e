import type { Command } from "commander";
import type { KeySlotInfo } from "../../repository/key-slots.js";
import { commandGroup } from "../command-group.js";
import { printResult, type CliIo } from "../output.js";
import {
  passwordFrom,
  withRepository,
  withRepositoryOptions,
  type RepositoryCliOptions,
} from "../repository-options.js";
import { runAction, type RegisterCommand } from "../run-action.js";

interface KeyOptions extends RepositoryCliOptions {
  readonly newPasswordFile?: string;
}

/** `--json` output of `repo key list` (docs/cli-json.md). */
export interface KeyListJson {
  readonly ok: true;
  /** The slot this command opened the repository with. */
  readonly current: string;
  readonly keys: KeySlotInfo[];
}

/** `--json` output of `repo key add|remove|passwd`. */
export interface KeyChangeJson {
  readonly ok: true;
  readonly added: string | null;
  readonly removed: string | null;
}

const newPassword = (options: KeyOptions) =>
  passwordFrom(options.newPasswordFile, "LIFEBOAT_NEW_PASSWORD");

function verb(io: CliIo, group: Command, name: string, description: string) {
  return withRepositoryOptions(group.command(name).description(description));
}

function printChange(io: CliIo, json: boolean | undefined, change: KeyChangeJson) {
  printResult(io, json, change, (r) =>
    [r.added ? `added key ${r.added}` : "", r.removed ? `removed key ${r.removed}` : ""]
      .filter(Boolean)
      .join("\n"),
  );
}

/** `lifeboat repo key add|list|remove|passwd`: key slots wrapping the one master key. */
export const registerRepoKey: RegisterCommand = (program, io) => {
  const repo = commandGroup(program, "repo", "Manage the encrypted repository.");
  const key = commandGroup(repo, "key", "Manage key slots (passwords) of the repository.");
  const newPasswordFlag = [
    "--new-password-file <file>",
    "the new password (else LIFEBOAT_NEW_PASSWORD)",
  ] as const;

  verb(io, key, "list", "List key slots.").action(async (options: KeyOptions) => {
    await runAction(io, options.json, () =>
      withRepository(options, async (r) => {
        const json: KeyListJson = { ok: true, current: r.keyId, keys: await r.listKeys() };
        printResult(io, options.json, json, (v) =>
          v.keys
            .map(
              (k) =>
                `${k.id === v.current ? "*" : " "} ${k.id}  ${k.created}  ${k.username}@${k.host}`,
            )
            .join("\n"),
        );
      }),
    );
  });

  verb(io, key, "add", "Add a key slot for a new password.")
    .option(...newPasswordFlag)
    .action(async (options: KeyOptions) => {
      await runAction(io, options.json, async () => {
        const secret = newPassword(options);
        await withRepository(options, async (r) => {
          printChange(io, options.json, { ok: true, added: await r.addKey(secret), removed: null });
        });
      });
    });

  verb(io, key, "remove", "Remove a key slot (not the one in use).")
    .argument("<id>", "key slot id")
    .action(async (id: string, options: KeyOptions) => {
      await runAction(io, options.json, () =>
        withRepository(options, async (r) => {
          await r.removeKey(id);
          printChange(io, options.json, { ok: true, added: null, removed: id });
        }),
      );
    });

  verb(io, key, "passwd", "Change the password (adds a slot, removes the one in use).")
    .option(...newPasswordFlag)
    .action(async (options: KeyOptions) => {
      await runAction(io, options.json, async () => {
        const secret = newPassword(options);
        await withRepository(options, async (r) => {
          const old = r.keyId;
          const changed = await r.changePassword(secret);
          printChange(io, options.json, { ok: true, added: changed.keyId, removed: old });
        });
      });
    });
};

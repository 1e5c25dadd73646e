import { withStateStore } from "../../composition.js";
import { listApiTokens } from "../../store/api-tokens-repo.js";
import { commandGroup } from "../command-group.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { tokenJson, tokenLine, type TokenJson } from "./token-json.js";

/** `--json` output of `token list` (docs/cli-json.md). */
export interface TokenListJson {
  readonly ok: true;
  readonly tokens: readonly TokenJson[];
}

/** `lifeboat token list [--tenant <t>]`: every token, revoked ones too; never secrets. */
export const registerTokenList: RegisterCommand = (program, io) => {
  commandGroup(program, "token", "Manage API tokens (docs/api.md).")
    .command("list")
    .description("List API tokens (revoked ones too); secrets are never shown.")
    .option("--tenant <tenant>", "only this tenant's tokens")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (options: GlobalOptions & { tenant?: string }) => {
      await runAction(io, options.json, async () => {
        const tokens = await withStateStore({ config: options.config }, (store) =>
          listApiTokens(store, options.tenant === undefined ? {} : { tenant: options.tenant }),
        );
        const result: TokenListJson = { ok: true, tokens: tokens.map(tokenJson) };
        printResult(io, options.json, result, (r) =>
          r.tokens.length === 0 ? "no tokens" : r.tokens.map(tokenLine).join("\n"),
        );
      });
    });
};

import { withStateStore } from "../../composition.js";
import { revokeApiToken } from "../../store/api-tokens-repo.js";
import { commandGroup } from "../command-group.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { tokenJson, tokenLine, type TokenJson } from "./token-json.js";

/** `--json` output of `token revoke` (docs/cli-json.md). */
export interface TokenRevokeJson {
  readonly ok: true;
  readonly token: TokenJson;
}

/** `lifeboat token revoke <id>`: the token stops working at once (idempotent). */
export const registerTokenRevoke: RegisterCommand = (program, io) => {
  commandGroup(program, "token", "Manage API tokens (docs/api.md).")
    .command("revoke")
    .description("Revoke an API token; requests with it fail with 401 from then on.")
    .argument("<id>", "token id from `lifeboat token list` (tok_…)")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (id: string, options: GlobalOptions) => {
      await runAction(io, options.json, async () => {
        const token = await withStateStore({ config: options.config }, (store) =>
          revokeApiToken(store, id),
        );
        const result: TokenRevokeJson = { ok: true, token: tokenJson(token) };
        printResult(io, options.json, result, (r) => `revoked ${tokenLine(r.token)}`);
      });
    });
};

import type { z } from "zod";
import { withStateStore } from "../../composition.js";
import { accessNameSchema, apiRoleSchema, apiRoles, defaultTenant } from "../../model/access.js";
import { LifeboatError } from "../../model/errors.js";
import { issueApiToken } from "../../store/api-tokens-repo.js";
import { commandGroup } from "../command-group.js";
import { printResult, type GlobalOptions } from "../output.js";
import { runAction, type RegisterCommand } from "../run-action.js";
import { tokenJson, type TokenJson } from "./token-json.js";

/** `--json` output of `token create` (docs/cli-json.md): the only time the secret is shown. */
export interface TokenCreateJson {
  readonly ok: true;
  readonly token: TokenJson;
  readonly secret: string;
}

function checked<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new LifeboatError("LB_USAGE", `${flag} ${JSON.stringify(value)} is not valid`, {
      remedy: `Use ${flag === "--role" ? apiRoles.join(", ") : "letters, digits, '.', '-' and '_'"}.`,
    });
  }
  return parsed.data;
}

/** `lifeboat token create --name <n> [--tenant <t>] [--role <r>]`. */
export const registerTokenCreate: RegisterCommand = (program, io) => {
  commandGroup(program, "token", "Manage API tokens (docs/api.md).")
    .command("create")
    .description("Create an API token; prints the secret once (only its hash is stored).")
    .requiredOption("--name <name>", "what the token is for (shown in lists and audit events)")
    .option("--tenant <tenant>", "the tenant whose environments it sees", defaultTenant)
    .option("--role <role>", `one of ${apiRoles.join(", ")}`, "viewer")
    .option("--config <file>", "config file (default: $LIFEBOAT_CONFIG or ./lifeboat.yaml)")
    .option("--json", "print a JSON document (docs/cli-json.md)")
    .action(async (options: GlobalOptions & { name: string; tenant: string; role: string }) => {
      await runAction(io, options.json, async () => {
        const input = {
          name: checked(accessNameSchema, options.name, "--name"),
          tenant: checked(accessNameSchema, options.tenant, "--tenant"),
          role: checked(apiRoleSchema, options.role, "--role"),
        };
        const issued = await withStateStore({ config: options.config }, (store) =>
          issueApiToken(store, input),
        );
        const result: TokenCreateJson = {
          ok: true,
          token: tokenJson(issued.record),
          secret: issued.token,
        };
        printResult(io, options.json, result, (r) =>
          [
            `token ${r.token.id} (${r.token.name}, tenant ${r.token.tenant}, ${r.token.role})`,
            r.secret,
            "Store it now: it is not shown again. Send it as `Authorization: Bearer <token>`.",
          ].join("\n"),
        );
      });
    });
};

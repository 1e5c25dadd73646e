import { strict as assert } from "node:assert";
import { after, test } from "node:test";
import { ConfigBuilder } from "./config-builder.js";
import { jsonOf, makeTempDir, runLifeboat } from "./cli.js";

const temp = makeTempDir();
after(temp.remove);
ConfigBuilder.shop().writeTo(temp.path);
const run = (args: string[]) => runLifeboat(args, { cwd: temp.path });

interface TokenJson {
  id: string;
  name: string;
  tenant: string;
  role: string;
  revokedAt: string | null;
}

test("token create prints the secret once; list never shows it; revoke marks it", async () => {
  const created = await run([
    "token",
    "create",
    "--name",
    "ci",
    "--tenant",
    "team-a",
    "--role",
    "operator",
    "--json",
  ]);
  assert.equal(created.code, 0, created.stderr);
  const out = jsonOf<{ ok: boolean; token: TokenJson; secret: string }>(created);
  assert.match(out.secret, /^lbt_/);
  assert.equal(out.token.tenant, "team-a");
  assert.equal(out.token.role, "operator");

  const viewer = await run(["token", "create", "--name", "dash", "--json"]);
  assert.equal(jsonOf<{ token: TokenJson }>(viewer).token.role, "viewer");
  assert.equal(jsonOf<{ token: TokenJson }>(viewer).token.tenant, "default");

  const listed = await run(["token", "list", "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(!listed.stdout.includes(out.secret.slice(4)), "list never prints a secret");
  const tokens = jsonOf<{ tokens: TokenJson[] }>(listed).tokens;
  assert.deepEqual(
    tokens.map((t) => t.name),
    ["ci", "dash"],
  );

  const revoked = await run(["token", "revoke", out.token.id, "--json"]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.ok(jsonOf<{ token: TokenJson }>(revoked).token.revokedAt);
  const human = await run(["token", "list", "--tenant", "team-a"]);
  assert.match(human.stdout, /revoked/);
});

test("token errors: unknown id exits 3, bad role exits 2, each with a code", async () => {
  const missing = await run(["token", "revoke", "tok_000000000000", "--json"]);
  assert.equal(missing.code, 3);
  assert.equal(jsonOf<{ error: { code: string } }>(missing).error.code, "LB_TOKEN_NOT_FOUND");
  const bad = await run(["token", "create", "--name", "x", "--role", "root", "--json"]);
  assert.equal(bad.code, 2);
  assert.equal(jsonOf<{ error: { code: string } }>(bad).error.code, "LB_USAGE");
});

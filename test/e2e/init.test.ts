import { strict as assert } from "node:assert";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { jsonOf, makeTempDir, runLifeboat } from "./cli.js";

const temp = makeTempDir();
after(temp.remove);
const env = { LIFEBOAT_PASSWORD: "a long enough passphrase" };

let counter = 0;
const freshDir = () => join(temp.path, `i${++counter}`);

test("init writes a valid starter config and the local folders", async () => {
  const dir = freshDir();
  const run = await runLifeboat(["init", "--dir", dir, "--json"], { cwd: temp.path, env });
  assert.equal(run.code, 0, run.stderr);
  const out = jsonOf<{ ok: boolean; config: string; overwritten: boolean; folders: string[] }>(run);
  assert.equal(out.ok, true);
  assert.equal(out.config, join(dir, "lifeboat.yaml"));
  assert.equal(out.overwritten, false);
  assert.ok(existsSync(out.config));
  for (const folder of [".lifeboat", ".lifeboat/repo"]) {
    assert.ok(statSync(join(dir, folder)).isDirectory(), folder);
  }
  const validate = await runLifeboat(["config", "validate"], { cwd: dir, env });
  assert.equal(validate.code, 0, validate.stderr);
});

test("init in the current folder, then validate there", async () => {
  const again = makeTempDir();
  try {
    const run = await runLifeboat(["init"], { cwd: again.path, env });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(existsSync(join(again.path, "lifeboat.yaml")));
    const validate = await runLifeboat(["config", "validate", "--json"], { cwd: again.path, env });
    assert.equal(validate.code, 0, validate.stderr);
    assert.equal(jsonOf<{ ok: boolean }>(validate).ok, true);
  } finally {
    again.remove();
  }
});

test("init twice refuses with exit 5 and leaves the file unchanged", async () => {
  const dir = freshDir();
  assert.equal((await runLifeboat(["init", "--dir", dir], { cwd: temp.path, env })).code, 0);
  const file = join(dir, "lifeboat.yaml");
  const edited = `${readFileSync(file, "utf8")}# my edits\n`;
  writeFileSync(file, edited);
  const run = await runLifeboat(["init", "--dir", dir, "--json"], { cwd: temp.path, env });
  assert.equal(run.code, 5);
  assert.equal(jsonOf<{ error: { code: string } }>(run).error.code, "LB_CONFIG_EXISTS");
  assert.equal(readFileSync(file, "utf8"), edited);
  const human = await runLifeboat(["init", "--dir", dir], { cwd: temp.path, env });
  assert.equal(human.code, 5);
  assert.match(human.stderr, /LB_CONFIG_EXISTS/);
});

test("init --force overwrites an existing config", async () => {
  const dir = freshDir();
  assert.equal((await runLifeboat(["init", "--dir", dir], { cwd: temp.path, env })).code, 0);
  const file = join(dir, "lifeboat.yaml");
  const original = readFileSync(file, "utf8");
  writeFileSync(file, "not: a valid config\n");
  const run = await runLifeboat(["init", "--dir", dir, "--force", "--json"], {
    cwd: temp.path,
    env,
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(jsonOf<{ overwritten: boolean }>(run).overwritten, true);
  assert.equal(readFileSync(file, "utf8"), original);
});

test("init into a path that is a file is a usage error, not a crash", async () => {
  const file = join(temp.path, "plain-file");
  writeFileSync(file, "x");
  const run = await runLifeboat(["init", "--dir", file, "--json"], { cwd: temp.path, env });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.equal(jsonOf<{ error: { code: string } }>(run).error.code, "LB_INVALID_INPUT");
});

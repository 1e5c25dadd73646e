import { strict as assert } from "node:assert";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, test } from "node:test";
import { isLifeboatError } from "../model/errors.js";
import { repositoryLocation } from "./config-locations.js";
import { redactUrl, summarizeConfig } from "./config-summary.js";
import { configFilePath, loadConfig } from "./load-config.js";
import { starterConfig } from "./starter-config.js";

const root = mkdtempSync(join(tmpdir(), "lifeboat-config-"));
after(() => rmSync(root, { recursive: true, force: true }));

function folderWith(name: string, text: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "lifeboat.yaml"), text);
  return dir;
}

test("the config path comes from --config, then LIFEBOAT_CONFIG, then ./lifeboat.yaml", () => {
  const env = { LIFEBOAT_CONFIG: "from-env.yaml" };
  assert.equal(configFilePath({ config: "flag.yaml", env, cwd: "/w" }), "/w/flag.yaml");
  assert.equal(configFilePath({ env, cwd: "/w" }), "/w/from-env.yaml");
  assert.equal(configFilePath({ env: {}, cwd: "/w" }), "/w/lifeboat.yaml");
});

test("a missing file is LB_CONFIG_NOT_FOUND", async () => {
  await assert.rejects(loadConfig({ cwd: root, env: {}, config: "nope.yaml" }), (e) =>
    isLifeboatError(e, "LB_CONFIG_NOT_FOUND"),
  );
});

test("an invalid file is one LB_CONFIG_INVALID with every problem in details", async () => {
  const dir = folderWith("bad", starterConfig.replace("region: us-east-1", "regoin: us-east-1"));
  await assert.rejects(loadConfig({ cwd: dir, env: {} }), (e) => {
    assert.ok(isLifeboatError(e, "LB_CONFIG_INVALID"));
    const problems = e.details.problems as { path: string }[];
    assert.deepEqual(
      problems.map((p) => p.path),
      // A missing key is reported at its parent, which comes first in the file.
      ["providers.primary.region", "providers.primary.regoin"],
    );
    assert.match(e.message, /providers\.primary\.regoin: unknown key/);
    return true;
  });
});

test("the repository password is read lazily, from env or file, as a redacted Secret", async () => {
  const dir = folderWith("lazy", starterConfig);
  const loaded = await loadConfig({ cwd: dir, env: {} });
  assert.throws(
    () => loaded.repositoryPassword(),
    (e) => isLifeboatError(e, "LB_SECRET_MISSING"),
  );

  const withEnv = await loadConfig({ cwd: dir, env: { LIFEBOAT_PASSWORD: "hunter2" } });
  const secret = withEnv.repositoryPassword();
  assert.equal(secret.reveal(), "hunter2");
  assert.ok(!JSON.stringify({ secret }).includes("hunter2"));
  assert.ok(!inspect(secret).includes("hunter2"));

  const fileDir = folderWith(
    "file",
    starterConfig.replace("passwordEnv: LIFEBOAT_PASSWORD", "passwordFile: secret/pw"),
  );
  mkdirSync(join(fileDir, "secret"));
  writeFileSync(join(fileDir, "secret", "pw"), "correct horse\n");
  const fromFile = await loadConfig({ cwd: root, env: {}, config: join(fileDir, "lifeboat.yaml") });
  assert.equal(fromFile.repositoryPassword().reveal(), "correct horse");
});

test("checkSecrets turns a missing password source into a config problem", async () => {
  const dir = folderWith("check", starterConfig);
  await assert.rejects(loadConfig({ cwd: dir, env: {}, checkSecrets: true }), (e) => {
    assert.ok(isLifeboatError(e, "LB_CONFIG_INVALID"));
    assert.deepEqual(
      (e.details.problems as { path: string }[]).map((p) => p.path),
      ["repository.passwordEnv"],
    );
    return true;
  });
});

test("relative repository paths resolve against the config file's folder", async () => {
  const dir = folderWith("paths", starterConfig);
  const loaded = await loadConfig({ cwd: root, env: {}, config: join(dir, "lifeboat.yaml") });
  assert.deepEqual(repositoryLocation(loaded), {
    backend: "fs",
    path: join(dir, ".lifeboat/repo"),
  });
  const s3 = folderWith(
    "s3",
    starterConfig
      .replace("state: sqlite:.lifeboat/state.db", "state: postgres://lb:pw@db:5432/lifeboat")
      .replace(
        "url: file:.lifeboat/repo",
        "url: s3://bucket/a/b\n  endpoint: http://127.0.0.1:5000",
      ),
  );
  const remote = await loadConfig({ cwd: s3, env: {} });
  assert.deepEqual(repositoryLocation(remote), {
    backend: "s3",
    bucket: "bucket",
    prefix: "a/b",
    endpoint: "http://127.0.0.1:5000",
  });
  assert.equal(summarizeConfig(remote).state, "postgres://lb:***@db:5432/lifeboat");
});

test("redactUrl hides passwords and leaves other URLs alone", () => {
  assert.equal(redactUrl("postgres://u:secret@h/db"), "postgres://u:***@h/db");
  assert.equal(redactUrl("postgres://u@h:5432/db"), "postgres://u@h:5432/db");
  assert.equal(redactUrl("postgres://u:p@ss/w@h/db"), "postgres://u:***@h/db");
  assert.equal(redactUrl("postgres://h/db?password=x&a=b"), "postgres://h/db?password=***&a=b");
  assert.equal(redactUrl("sqlite:.lifeboat/state.db"), "sqlite:.lifeboat/state.db");
});

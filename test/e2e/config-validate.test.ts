import { strict as assert } from "node:assert";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { jsonOf, makeTempDir, runLifeboat } from "./cli.js";

const temp = makeTempDir();
after(temp.remove);

const password = "s3cr3t-passphrase-never-printed";
const withPassword = { LIFEBOAT_PASSWORD: password };

const good = `state: sqlite:.lifeboat/state.db
repository:
  url: file:.lifeboat/repo
  passwordEnv: LIFEBOAT_PASSWORD
providers:
  aws-east: { type: aws, region: us-east-1, endpoint: http://127.0.0.1:5000 }
  aws-west: { type: aws, region: us-west-2 }
environments:
  shop:
    source: aws-east
    select: { tags: { app: shop } }
    capture: { every: 5m }
    protect:
      - volumes: { tags: { app: shop } }
        rpo: 15m
    recovery:
      target: aws-west
      mapping: { zones: { us-east-1a: us-west-2a }, keepPrivateIps: true, instanceTypes: { m5.large: [m6i.large] } }
    health: [ { http: { url: "https://shop.example.com/health", every: 10s } } ]
    failover: { action: failover-with-approval, after: 3 }
    dns: { zone: example.com, records: [ shop.example.com ] }
`;

let counter = 0;
/** Writes `text` as lifeboat.yaml in a fresh folder and returns the folder. */
function project(text: string): string {
  const dir = join(temp.path, `p${++counter}`);
  mkdirSync(dir);
  writeFileSync(join(dir, "lifeboat.yaml"), text);
  return dir;
}

function variant(from: string, to: string): string {
  assert.ok(good.includes(from), `fixture contains ${from}`);
  return good.replace(from, to);
}

test("a good config: exit 0 and a summary", async () => {
  const run = await runLifeboat(["config", "validate"], { cwd: project(good), env: withPassword });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /aws-east/);
  assert.match(run.stdout, /shop/);
  assert.ok(!run.stdout.includes(password) && !run.stderr.includes(password));
});

test("--json on a good config prints the documented summary without secrets", async () => {
  const run = await runLifeboat(["config", "validate", "--json"], {
    cwd: project(good),
    env: withPassword,
  });
  assert.equal(run.code, 0, run.stderr);
  const out = jsonOf<{ ok: boolean; config: Record<string, unknown> }>(run);
  assert.equal(out.ok, true);
  assert.deepEqual(Object.keys(out.config).sort(), [
    "environments",
    "file",
    "providers",
    "repository",
    "state",
  ]);
  assert.deepEqual(out.config.repository, {
    url: "file:.lifeboat/repo",
    endpoint: null,
    password: { from: "env", name: "LIFEBOAT_PASSWORD" },
  });
  assert.deepEqual(
    (out.config.providers as { name: string }[]).map((p) => p.name),
    ["aws-east", "aws-west"],
  );
  const [shop] = out.config.environments as Record<string, unknown>[];
  assert.equal(shop?.name, "shop");
  assert.equal(shop?.target, "aws-west");
  assert.ok(!run.stdout.includes(password));
});

const broken: [string, string, string][] = [
  ["unknown key", variant("region: us-west-2", "regoin: us-west-2"), "providers.aws-west.regoin"],
  ["wrong type", variant("after: 3", "after: three"), "environments.shop.failover.after"],
  [
    "unknown provider reference",
    variant("target: aws-west", "target: aws-wset"),
    "environments.shop.recovery.target",
  ],
  [
    "missing password source",
    variant("passwordEnv: LIFEBOAT_PASSWORD", "passwordFile: no-such-file"),
    "repository.passwordFile",
  ],
  ["bad URL scheme", variant("url: file:.lifeboat/repo", "url: ftp://host/repo"), "repository.url"],
];

for (const [what, text, path] of broken) {
  test(`a config with a ${what}: exit 2 naming ${path}`, async () => {
    const run = await runLifeboat(["config", "validate"], {
      cwd: project(text),
      env: withPassword,
    });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /LB_CONFIG_INVALID/);
    assert.ok(run.stderr.includes(`${path}:`), run.stderr);
    assert.equal(run.stdout, "");
  });
}

test("an unset password variable is a problem, exit 2", async () => {
  const run = await runLifeboat(["config", "validate"], { cwd: project(good) });
  assert.equal(run.code, 2);
  assert.ok(run.stderr.includes("repository.passwordEnv:"), run.stderr);
});

test("--json on a bad config prints the error object with every problem", async () => {
  const text = variant("every: 5m", "every: 5 minutes").replace("target: aws-west", "target: x");
  const run = await runLifeboat(["config", "validate", "--json"], {
    cwd: project(text),
    env: withPassword,
  });
  assert.equal(run.code, 2);
  const out = jsonOf<{ error: { code: string; details: { problems: { path: string }[] } } }>(run);
  assert.equal(out.error.code, "LB_CONFIG_INVALID");
  assert.deepEqual(
    out.error.details.problems.map((p) => p.path),
    ["environments.shop.capture.every", "environments.shop.recovery.target"],
  );
});

test("--config and LIFEBOAT_CONFIG name the file; a missing one is LB_CONFIG_NOT_FOUND", async () => {
  const dir = project(good);
  const elsewhere = join(temp.path, "elsewhere");
  mkdirSync(elsewhere);
  const byFlag = await runLifeboat(["config", "validate", "--config", join(dir, "lifeboat.yaml")], {
    cwd: elsewhere,
    env: withPassword,
  });
  assert.equal(byFlag.code, 0, byFlag.stderr);
  const byEnv = await runLifeboat(["config", "validate"], {
    cwd: elsewhere,
    env: { ...withPassword, LIFEBOAT_CONFIG: join(dir, "lifeboat.yaml") },
  });
  assert.equal(byEnv.code, 0, byEnv.stderr);
  const missing = await runLifeboat(["config", "validate", "--json"], {
    cwd: elsewhere,
    env: withPassword,
  });
  assert.equal(missing.code, 2);
  assert.equal(jsonOf<{ error: { code: string } }>(missing).error.code, "LB_CONFIG_NOT_FOUND");
});

test("a YAML syntax error is exit 2 with its line", async () => {
  const run = await runLifeboat(["config", "validate", "--json"], {
    cwd: project("repository:\n  url: [file:x\n"),
    env: withPassword,
  });
  assert.equal(run.code, 2);
  const out = jsonOf<{ error: { code: string; details: { problems: { line?: number }[] } } }>(run);
  assert.equal(out.error.code, "LB_CONFIG_INVALID");
  assert.ok((out.error.details.problems[0]?.line ?? 0) > 0);
});

test("`lifeboat config` without a subcommand is a usage error, exit 2", async () => {
  const run = await runLifeboat(["config", "--json"], { cwd: temp.path });
  assert.equal(run.code, 2);
  assert.equal(jsonOf<{ error: { code: string } }>(run).error.code, "LB_USAGE");
});

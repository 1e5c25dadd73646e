import { strict as assert } from "node:assert";
import { test } from "node:test";
import { starterConfig } from "./starter-config.js";
import { validateConfigText, type ValidationResult } from "./validate-config.js";

const good = `
state: sqlite:.lifeboat/state.db
repository:
  url: s3://lifeboat-backups/shop
  endpoint: http://127.0.0.1:5000
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
      - volumes: { tags: { backup: daily } }
        rpo: 15m
      - databases: { ids: [shop-db] }
        rpo: 5m
        every: 1m
    recovery:
      target: aws-west
      mapping:
        zones: { us-east-1a: us-west-2a }
        keepPrivateIps: true
        instanceTypes: { m5.large: [m6i.large, m5.large] }
        cidrs: { 10.0.0.0/16: 10.1.0.0/16 }
        nameSuffix: -dr
    health:
      - http: { url: "https://shop.example.com/health", every: 10s, expectStatus: 200 }
      - tcp: { host: db.shop.internal, port: 5432, every: 30s }
      - dns: { name: shop.example.com, every: 1m }
    failover: { action: failover-with-approval, after: 3 }
    dns: { zone: example.com, records: [shop.example.com, api.shop.example.com.] }
`;

const secrets = { env: { LIFEBOAT_PASSWORD: "pw" }, baseDir: "/nonexistent" };

function problemsOf(result: ValidationResult) {
  assert.equal(result.ok, false, "expected the config to be invalid");
  return result.ok ? [] : result.problems;
}

/** Replaces `from` in the good config; the replacement must actually happen. */
function variant(from: string, to: string): string {
  assert.ok(good.includes(from), `fixture contains ${from}`);
  return good.replace(from, to);
}

test("a complete config validates, with defaults applied and everything frozen", () => {
  const result = validateConfigText(good, { secrets });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  const shop = result.config.environments.shop;
  assert.equal(shop?.health[0]?.http?.timeout, "5s");
  assert.equal(shop?.recovery.mapping.instanceTypes["m5.large"]?.[0], "m6i.large");
  assert.ok(Object.isFrozen(result.config));
  assert.ok(Object.isFrozen(shop?.recovery.mapping.zones));
  assert.throws(() => {
    (result.config as { state: string }).state = "x";
  }, TypeError);
});

test("the starter config that init writes is valid", () => {
  const result = validateConfigText(starterConfig, { secrets });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
});

test("an unknown key is named with its path and the key it probably meant", () => {
  const problems = problemsOf(
    validateConfigText(variant("region: us-west-2", "regoin: us-west-2")),
  );
  const paths = problems.map((p) => p.path);
  assert.ok(paths.includes("providers.aws-west.regoin"), paths.join());
  assert.ok(paths.includes("providers.aws-west.region"), paths.join());
  const typo = problems.find((p) => p.path === "providers.aws-west.regoin");
  assert.match(typo?.message ?? "", /did you mean "region"/);
  assert.equal(typo?.line, 9);
});

test("every problem is reported at once, in file order", () => {
  const text = variant("every: 5m", "every: 5 minutes")
    .replace("target: aws-west", "target: aws-wset")
    .replace("after: 3", "after: 0")
    .replace("port: 5432", "port: '5432'");
  const problems = problemsOf(validateConfigText(text));
  assert.deepEqual(
    problems.map((p) => p.path),
    [
      "environments.shop.capture.every",
      "environments.shop.recovery.target",
      "environments.shop.health[1].tcp.port",
      "environments.shop.failover.after",
    ],
  );
  assert.match(problems[0]?.message ?? "", /5 minutes.*not a duration/);
  assert.match(
    problems[1]?.message ?? "",
    /unknown provider "aws-wset" \(known: aws-east, aws-west\)/,
  );
  const lines = problems.map((p) => p.line ?? 0);
  assert.deepEqual(
    lines,
    [...lines].sort((a, b) => a - b),
  );
});

test("cross-reference checks: zones, rpo schedules, probe timeouts, dns zone, reserved tags", () => {
  const text = variant("us-east-1a: us-west-2a", "us-east-1a: eu-west-1a")
    .replace("every: 1m\n", "every: 10m\n")
    .replace("every: 10s, expectStatus", "every: 10s, timeout: 20s, expectStatus")
    .replace("api.shop.example.com.", "shop.example.org")
    .replace("nameSuffix: -dr", 'tags: { "lifeboat:run": x }');
  const paths = problemsOf(validateConfigText(text)).map((p) => p.path);
  assert.deepEqual(paths, [
    "environments.shop.protect[1].every",
    "environments.shop.recovery.mapping.zones.us-east-1a",
    'environments.shop.recovery.mapping.tags["lifeboat:run"]',
    "environments.shop.health[0].http.timeout",
    "environments.shop.dns.records[1]",
  ]);
});

test("consistency groups and backup workflows: names resolve, pairs span the capture, ids needed", () => {
  const grouped = `      - volumes: { ids: [vol-a, vol-b] }
        rpo: 15m
        group: disks
        workflows:
          before: [{ id: freeze, action: exec, with: { command: "true" }, undo: thaw }]
          after: [{ id: thaw, action: exec, with: { command: "true" } }, notify]
`;
  const notify = `workflows:\n  notify: { steps: [{ id: notify, action: exec, with: { command: "true" } }] }\n`;
  const text = variant(
    "      - databases: { ids: [shop-db] }\n",
    `${grouped}      - databases: { ids: [shop-db] }\n`,
  );
  assert.equal(validateConfigText(`${text}${notify}`).ok, true);
  const problems = problemsOf(
    validateConfigText(
      text
        .replace("notify]", "nofity]")
        .replace(
          "volumes: { tags: { backup: daily } }",
          "volumes: { tags: { backup: daily } }\n        group: tagged",
        ),
    ),
  );
  assert.deepEqual(
    problems.map((p) => [p.path, p.message]),
    [
      [
        "environments.shop.protect[0].group",
        "a consistency group or backup workflow needs the volumes listed by id (volumes.ids)",
      ],
      ["environments.shop.protect[1].workflows.after[1]", 'no workflow "nofity" (known: none)'],
    ],
  );
});

test("missing password sources are problems only when secrets are checked", () => {
  assert.equal(validateConfigText(good).ok, true);
  const problems = problemsOf(validateConfigText(good, { secrets: { env: {}, baseDir: "/" } }));
  assert.deepEqual(
    problems.map((p) => p.path),
    ["repository.passwordEnv"],
  );
  assert.match(problems[0]?.message ?? "", /LIFEBOAT_PASSWORD is not set/);
  const fileSource = variant("passwordEnv: LIFEBOAT_PASSWORD", "passwordFile: missing-password");
  const fileProblems = problemsOf(validateConfigText(fileSource, { secrets }));
  assert.deepEqual(
    fileProblems.map((p) => p.path),
    ["repository.passwordFile"],
  );
});

test("YAML syntax errors carry line and column", () => {
  const problems = problemsOf(validateConfigText("state: sqlite:x\nrepository:\n  url: [oops\n"));
  assert.ok(problems.length > 0);
  assert.equal(problems[0]?.path, "");
  assert.ok((problems[0]?.line ?? 0) >= 3, JSON.stringify(problems[0]));
  assert.ok(problems[0]?.column !== undefined);
});

test("duplicate keys are an error, not a silent override", () => {
  const problems = problemsOf(validateConfigText(`${good}\nstate: sqlite:other.db\n`));
  assert.match(problems[0]?.message ?? "", /YAML/);
});

test("an empty file asks for the repository", () => {
  assert.deepEqual(
    problemsOf(validateConfigText("")).map((p) => p.path),
    ["repository"],
  );
});

test("a provider type other than aws, and wrong value types, say what to use", () => {
  const text = variant("{ type: aws, region: us-west-2 }", "{ type: gcp, region: 5 }").replace(
    "keepPrivateIps: true",
    "keepPrivateIps: yes",
  );
  const problems = problemsOf(validateConfigText(text));
  const byPath = new Map(problems.map((p) => [p.path, p.message]));
  assert.match(byPath.get("providers.aws-west.type") ?? "", /supported: aws/);
  assert.match(byPath.get("providers.aws-west.region") ?? "", /must be a string/);
  assert.match(
    byPath.get("environments.shop.recovery.mapping.keepPrivateIps") ?? "",
    /true or false/,
  );
});

test("typos deep inside lists and maps get suggestions too", () => {
  const text = variant("every: 10s, expectStatus", "evry: 10s, expectStatus").replace(
    "nameSuffix: -dr",
    "nameSufix: -dr",
  );
  const problems = problemsOf(validateConfigText(text));
  const byPath = new Map(problems.map((p) => [p.path, p.message]));
  assert.match(byPath.get("environments.shop.health[0].http.evry") ?? "", /did you mean "every"/);
  assert.equal(byPath.get("environments.shop.health[0].http.every"), "is required");
  assert.match(
    byPath.get("environments.shop.recovery.mapping.nameSufix") ?? "",
    /did you mean "nameSuffix"/,
  );
});

test("YAML anchors and merge keys work", () => {
  const text = variant(
    "- tcp: { host: db.shop.internal, port: 5432, every: 30s }",
    "- tcp: &db { host: db.shop.internal, port: 5432, every: 30s }\n      - tcp: { <<: *db, port: 6432 }",
  );
  const result = validateConfigText(text);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  assert.equal(result.config.environments.shop?.health[2]?.tcp?.port, 6432);
  assert.equal(result.config.environments.shop?.health[2]?.tcp?.host, "db.shop.internal");
});

test("credential variables a provider names must be set when secrets are checked", () => {
  const text = variant(
    "aws-west: { type: aws, region: us-west-2 }",
    "aws-west: { type: aws, region: us-west-2, credentials: { accessKeyIdEnv: WEST_KEY, secretAccessKeyEnv: WEST_SECRET } }",
  );
  const problems = problemsOf(
    validateConfigText(text, { secrets: { ...secrets, env: { ...secrets.env, WEST_KEY: "k" } } }),
  );
  assert.deepEqual(
    problems.map((p) => p.path),
    ["providers.aws-west.credentials.secretAccessKeyEnv"],
  );
  const half = variant(
    "aws-west: { type: aws, region: us-west-2 }",
    "aws-west: { type: aws, region: us-west-2, credentials: { accessKeyIdEnv: K } }",
  );
  assert.deepEqual(
    problemsOf(validateConfigText(half)).map((p) => p.path),
    ["providers.aws-west.credentials"],
  );
});

test("a postgres protect item: every spaces base backups and may exceed rpo; bad URLs are named", () => {
  const item = `      - postgres: { name: main, url: "postgres://replicator@db1:5432/postgres" }
        rpo: 1m
        every: 1d
      - databases: { ids: [shop-db] }`;
  const result = validateConfigText(variant("      - databases: { ids: [shop-db] }", item), {
    secrets,
  });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  assert.equal(result.config.environments.shop?.protect[1]?.postgres?.name, "main");

  const badUrl = variant(
    "      - databases: { ids: [shop-db] }",
    item.replace("postgres://replicator@db1:5432/postgres", "mysql://db1"),
  );
  const problems = problemsOf(validateConfigText(badUrl, { secrets }));
  assert.ok(problems.some((p) => p.path === "environments.shop.protect[1].postgres.url"));
  const both = variant(
    "      - databases: { ids: [shop-db] }",
    '      - databases: { ids: [a] }\n        postgres: { name: x, url: "postgres://h/d" }',
  );
  assert.ok(
    problemsOf(validateConfigText(both, { secrets })).some((p) => /exactly one/.test(p.message)),
  );
});

test("recovery.targets: a preference list; its first is the target; exactly one of the two", () => {
  const listed = validateConfigText(variant("target: aws-west", "targets: [aws-west, aws-east]"));
  assert.ok(listed.ok, JSON.stringify(listed));
  assert.equal(listed.config.environments.shop?.recovery.target, "aws-west");
  assert.deepEqual(listed.config.environments.shop?.recovery.targets, ["aws-west", "aws-east"]);
  const single = validateConfigText(good);
  assert.ok(single.ok);
  assert.deepEqual(single.config.environments.shop?.recovery.targets, ["aws-west"]);

  const both = problemsOf(
    validateConfigText(variant("target: aws-west", "target: aws-west\n      targets: [aws-east]")),
  );
  assert.ok(
    both.some((p) => /exactly one of target/.test(p.message)),
    JSON.stringify(both),
  );
  const neither = problemsOf(validateConfigText(variant("target: aws-west", "fence: true")));
  assert.ok(
    neither.some((p) => /exactly one of target/.test(p.message)),
    JSON.stringify(neither),
  );
  const unknown = problemsOf(
    validateConfigText(variant("target: aws-west", "targets: [aws-west, aws-wset]")),
  );
  assert.equal(unknown[0]?.path, "environments.shop.recovery.targets[1]");
  assert.match(unknown[0]?.message ?? "", /unknown provider "aws-wset"/);
});

test("recovery.workflows: unknown points and unknown or repeated workflow names, with hints", () => {
  const workflows = `
workflows:
  smoke-tests: { steps: [{ id: run, action: exec, with: { command: "true" } }] }
  approve-dns: { steps: [{ id: ok, action: approval }] }
`;
  const attach = (body: string) =>
    variant("        nameSuffix: -dr\n", `        nameSuffix: -dr\n      workflows: ${body}\n`) +
    workflows;
  const fine = validateConfigText(
    attach("{ after-compute: [smoke-tests], before-dns: [approve-dns] }"),
  );
  assert.ok(fine.ok, JSON.stringify(!fine.ok && fine.problems));
  assert.deepEqual(fine.config.environments.shop?.recovery.workflows["after-compute"], [
    "smoke-tests",
  ]);
  // before-sync-back (failback) is validated like every point.
  const failback = validateConfigText(attach("{ before-sync-back: [smoke-tests] }"));
  assert.ok(failback.ok, JSON.stringify(!failback.ok && failback.problems));
  assert.deepEqual(failback.config.environments.shop?.recovery.workflows["before-sync-back"], [
    "smoke-tests",
  ]);
  const badSync = problemsOf(validateConfigText(attach("{ before-sync-bak: [smoke-test] }")));
  assert.match(
    badSync.find((p) => p.path === "environments.shop.recovery.workflows.before-sync-bak")
      ?.message ?? "",
    /did you mean "before-sync-back"/,
  );
  const unknownSync = problemsOf(validateConfigText(attach("{ before-sync-back: [smoke-test] }")));
  assert.match(
    unknownSync.find((p) => p.path === "environments.shop.recovery.workflows.before-sync-back[0]")
      ?.message ?? "",
    /unknown workflow "smoke-test"/,
  );

  const byPath = new Map(
    problemsOf(
      validateConfigText(
        attach("{ after-comptue: [smoke-tests], verify: [smoke-test, approve-dns, approve-dns] }"),
      ),
    ).map((p) => [p.path, p.message]),
  );
  assert.match(
    byPath.get("environments.shop.recovery.workflows.after-comptue") ?? "",
    /did you mean "after-compute"/,
  );
  const unknown = validateConfigText(attach("{ verify: [smoke-test, approve-dns, approve-dns] }"));
  const problems = new Map(problemsOf(unknown).map((p) => [p.path, p.message]));
  assert.match(
    problems.get("environments.shop.recovery.workflows.verify[0]") ?? "",
    /unknown workflow "smoke-test".*did you mean "smoke-tests"/,
  );
  assert.match(
    problems.get("environments.shop.recovery.workflows.verify[2]") ?? "",
    /listed twice at verify/,
  );
});

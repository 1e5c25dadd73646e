// `--only` and pre-flight through the real CLI against moto: a partial drill brings up the web
// tier's closure and nothing else; an instance type no target zone offers stops `plan` and
// `recover` with exit 2, every problem listed, and nothing created.
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { shopEnvironment } from "../../src/providers/aws/shop/shop-environment.js";
import { expectError, expectJson } from "./capture-fixture.js";
import { delta, recoverWorld, type RecoverWorld, type ReportJson } from "./recover-fixture.js";

/** Offered in us-east-1a/b, in no us-west-2 zone (moto's offerings, real AWS data). */
const regionalOnlyType = "m8gn.metal-24xl";

let world: RecoverWorld;

before(async () => {
  world = await recoverWorld({
    config: (c) =>
      c.set("environments.legacy", {
        source: "east",
        select: { tags: { app: "legacy" } },
        capture: { every: "5m" },
        recovery: { target: "west", mapping: { nameSuffix: "-dr" } },
      }),
  });
  await shopEnvironment(world.clients)
    .inRegion("us-east-1")
    .named("legacy")
    .withVpcCidr("10.9.0.0/16")
    .withInstanceType(regionalOnlyType)
    .build();
  expectJson(await world.ws.cli(["capture", "legacy", "--json"]));
});

after(async () => {
  await world?.close();
});

test("--only the web tier: the plan and the drill hold its closure and nothing else", async (t) => {
  const only = ["--only", "scaling-group", "--only", "load-balancer"];
  const plan = expectJson<{ plan: { steps: { resourceKind: string }[] } }>(
    await world.ws.cli(["plan", "shop", ...only, "--mode", "drill", "--json"]),
  );
  const kinds = new Set(plan.plan.steps.map((s) => s.resourceKind));
  for (const k of ["network", "subnet", "security-group", "target-group", "launch-template"]) {
    assert.ok(kinds.has(k), k);
  }
  for (const k of ["database", "db-subnet-group", "machine", "dns-record"]) {
    assert.ok(!kinds.has(k), k);
  }

  const drill = expectJson<ReportJson>(
    await world.ws.cli(["recover", "shop", "--drill", "--keep", ...only, "--json"]),
  );
  const r = drill.report;
  t.diagnostic(`partial drill: ${r.steps.length} steps, ${r.created} created, wall ${r.wallMs} ms`);
  assert.equal(r.phase, "succeeded");
  assert.equal(r.verification?.result, "equivalent");
  assert.equal(r.teardown, null, "--keep leaves it up");
  const made = delta(await world.targetCounts(), world.baseline);
  assert.equal(made["load-balancer"], 1);
  assert.equal(made["scaling-group"], 1);
  assert.equal(made.database, 0);
  assert.equal(made["db-subnet-group"], 0);
  // Only the scaling group's machines: the bastion is not part of the web tier.
  assert.equal(made.machine, world.shop.compute.webInstanceIds.length);

  const down = expectJson<ReportJson>(await world.ws.cli(["teardown", r.runId, "--json"]));
  assert.equal(down.report.teardown?.phase, "succeeded");
  assert.deepEqual(await world.targetCounts(), world.baseline);
});

test("pre-flight: a type with no substitute offered in the target → exit 2, nothing created", async () => {
  for (const args of [
    ["plan", "legacy", "--json"],
    ["recover", "legacy", "--yes", "--json"],
    ["recover", "legacy", "--drill", "--json"],
  ]) {
    const error = expectError(await world.ws.cli(args), 2);
    assert.equal(error.code, "LB_PLAN_PREFLIGHT_FAILED", args.join(" "));
    const problems = (error.details as { problems: { code: string }[] }).problems;
    assert.ok(problems.length >= 1);
    assert.ok(
      problems.every((p) => p.code === "instance-type-unavailable"),
      JSON.stringify(problems),
    );
  }
  assert.deepEqual(await world.targetCounts(), world.baseline);
  const runs = expectJson<{ runs: unknown[] }>(
    await world.ws.cli(["runs", "--env", "legacy", "--json"]),
  );
  assert.equal(runs.runs.length, 0, "no run was recorded");
});

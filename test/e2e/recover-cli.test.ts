// `lifeboat plan|recover|runs|run|teardown` end to end against moto: the shop captured in
// us-east-1, recovered into us-west-2 through the real CLI binary.
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { countByRunTag } from "../integration/recover-fixture.js";
import { expectError, expectJson } from "./capture-fixture.js";
import {
  delta,
  onTerminal,
  recoverWorld,
  runIdOf,
  target,
  type RecoverWorld,
  type ReportJson,
} from "./recover-fixture.js";

let world: RecoverWorld;

before(async () => {
  world = await recoverWorld();
});

after(async () => {
  await world?.close();
});

test("plan is a dry run: steps with dependencies and create/adopt, nothing created", async () => {
  const plan = expectJson<{
    ok: boolean;
    recoveryPoint: { version: number };
    summary: { steps: number; byStepKind: Record<string, number> };
    plan: { mode: string; steps: { id: string; kind: string; dependsOn: string[] }[] };
  }>(await world.ws.cli(["plan", "shop", "--json"]));
  assert.equal(plan.recoveryPoint.version, 1);
  assert.equal(plan.plan.mode, "failover");
  assert.ok(plan.summary.steps > 20, String(plan.summary.steps));
  assert.ok((plan.summary.byStepKind.create ?? 0) > 10);
  assert.ok((plan.summary.byStepKind.adopt ?? 0) > 0);
  assert.ok(plan.plan.steps.some((s) => s.dependsOn.length > 0));
  assert.deepEqual(await world.targetCounts(), world.baseline);
});

test("a failover off a terminal without --yes is a usage error; nothing is created", async () => {
  const error = expectError(await world.ws.cli(["recover", "shop", "--json"]), 2);
  assert.equal(error.code, "LB_USAGE");
  assert.deepEqual(await world.targetCounts(), world.baseline);
});

test("a drill builds, verifies equivalent, tears down: us-west-2 back at its baseline", async (t) => {
  const run = await world.ws.cli(["recover", "shop", "--drill", "--json"]);
  const drill = expectJson<ReportJson>(run);
  const id = runIdOf(run);
  const r = drill.report;
  t.diagnostic(
    `drill: wall ${r.wallMs} ms, ${r.created} created, chain ${r.longestChain}, peak ${r.peakInFlight}, ` +
      `teardown ${JSON.stringify(r.teardown)}`,
  );
  assert.equal(r.runId, id);
  assert.equal(r.mode, "drill");
  assert.equal(r.phase, "succeeded");
  assert.deepEqual(r.verification?.differences, []);
  assert.equal(r.verification?.result, "equivalent");
  assert.equal(r.teardown?.phase, "succeeded");
  assert.ok(drill.ok);
  assert.deepEqual(await world.targetCounts(), world.baseline);
  // Drills never move DNS.
  assert.ok(!r.steps.some((s) => s.stepId.startsWith("dns:")));
  const again = expectJson<ReportJson>(await world.ws.cli(["teardown", id, "--json"]));
  assert.equal(again.report.teardown?.runId, r.teardown?.runId);
  assert.deepEqual(await world.targetCounts(), world.baseline);
});

test("a full recovery: equivalent, counts by kind match, nothing created twice", async (t) => {
  const run = await world.ws.cli(["recover", "shop", "--yes", "--json"]);
  const result = expectJson<ReportJson>(run);
  const r = result.report;
  t.diagnostic(
    `failover: wall ${r.wallMs} ms, RPO ${r.recoveryPoint?.ageMs} ms, ${r.created} created, ` +
      `${r.adopted} adopted, chain ${r.longestChain}, peak ${r.peakInFlight}`,
  );
  assert.equal(r.phase, "succeeded");
  assert.deepEqual(r.verification?.differences, []);
  assert.equal(r.verification?.result, "equivalent");
  assert.ok((r.verification?.checked ?? 0) >= 15);
  assert.equal(r.recoveryPoint?.version, 1);
  assert.ok((r.recoveryPoint?.ageMs ?? -1) >= 0);
  assert.ok((r.recoveryPoint?.lastSeenAgeMs ?? -1) >= 0);
  assert.ok(r.recoveryPoint!.lastSeenAgeMs! <= r.recoveryPoint!.ageMs!);
  assert.ok(r.longestChain >= 5 && r.peakInFlight >= 2, `${r.longestChain} ${r.peakInFlight}`);
  assert.deepEqual(delta(await world.targetCounts(), world.baseline), world.sourceCounts);
  const bySource = await countByRunTag(world.clients.region(target).ec2, r.runId);
  const twice = [...bySource].filter(([k, n]) => n > 1 && !k.startsWith("instance:scaling"));
  assert.deepEqual(twice, []);

  const shown = expectJson<ReportJson>(await world.ws.cli(["run", r.runId, "--json"]));
  assert.equal(shown.report.verification?.result, "equivalent");
  assert.equal(shown.report.steps.length, r.steps.length);
  const human = await world.ws.cli(["run", r.runId]);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /^OK: run /);
  const runs = expectJson<{ runs: { id: string; mode: string }[] }>(
    await world.ws.cli(["runs", "--env", "shop", "--json"]),
  );
  assert.ok(runs.runs.some((x) => x.id === r.runId && x.mode === "failover"));

  const down = expectJson<ReportJson>(await world.ws.cli(["teardown", r.runId, "--json"]));
  assert.equal(down.report.teardown?.phase, "succeeded");
  assert.deepEqual(await world.targetCounts(), world.baseline);
  const twiceDown = expectJson<ReportJson>(await world.ws.cli(["teardown", r.runId, "--json"]));
  assert.equal(twiceDown.report.teardown?.runId, down.report.teardown?.runId);
  assert.deepEqual(await world.targetCounts(), world.baseline);
});

test("recovery points by --version and --at; unknown versions and runs are exit 3", async () => {
  const later = new Date(Date.now() + 3_600_000).toISOString();
  for (const args of [
    ["--version", "1"],
    ["--at", later],
  ]) {
    const plan = expectJson<{ recoveryPoint: { version: number } }>(
      await world.ws.cli(["plan", "shop", ...args, "--json"]),
    );
    assert.equal(plan.recoveryPoint.version, 1, args.join(" "));
  }
  for (const args of [
    ["--version", "9"],
    ["--at", "2000-01-01T00:00:00Z"],
  ]) {
    const error = expectError(await world.ws.cli(["plan", "shop", ...args, "--json"]), 3);
    assert.equal(error.code, "LB_VERSION_NOT_FOUND", args.join(" "));
  }
  const both = expectError(
    await world.ws.cli(["plan", "shop", "--version", "1", "--at", later, "--json"]),
    2,
  );
  assert.equal(both.code, "LB_USAGE");
  for (const verb of ["run", "resume", "cancel", "teardown"]) {
    const error = expectError(await world.ws.cli([verb, "no-such-run", "--json"]), 3);
    assert.equal(error.code, "LB_RUN_NOT_FOUND", verb);
  }
});

test("on a terminal a failover asks first: `no` creates nothing, `yes` shows step progress", async () => {
  const no = await onTerminal(world.ws, ["recover", "shop"], "no");
  assert.equal(no.code, 1, no.screen);
  assert.match(no.screen, /LB_CANCELLED/);
  // Asked after pre-flight, with what will happen.
  assert.match(no.screen, /into west \(us-west-2\): \d+ steps, \d+ resources to create, \d+ DNS/);
  assert.deepEqual(await world.targetCounts(), world.baseline);

  const yes = await onTerminal(world.ws, ["recover", "shop"], "yes");
  assert.equal(yes.code, 0, yes.screen);
  assert.match(yes.screen, /^run \S+ \(failover of shop, \d+ steps\)/m);
  assert.match(yes.screen, /^✓ create:network:/m);
  assert.match(yes.screen, /^OK: run /m);
  const id = /^run (\S+)/m.exec(yes.screen)?.[1] ?? "";
  expectJson(await world.ws.cli(["teardown", id, "--json"]));
  assert.deepEqual(await world.targetCounts(), world.baseline);
});

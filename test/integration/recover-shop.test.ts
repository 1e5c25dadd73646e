// Recovers the captured shop from moto's us-east-1 into us-west-2 with the real executor and
// the AWS step handlers: the run succeeds, the target holds what the source holds, nothing is
// made twice, executing every step again adopts everything, and teardown (twice) puts the
// target back where it was.
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { bindReferences } from "../../src/execute/bind-references.js";
import type { StepContext } from "../../src/execute/step-handler.js";
import { systemClock } from "../../src/model/clock.js";
import { silentLogger } from "../../src/model/logger.js";
import { parseMappingOrThrow } from "../../src/model/mapping.js";
import type { Plan } from "../../src/model/plan/index.js";
import { planRecovery } from "../../src/plan/plan-recovery.js";
import { awsStepHandlers } from "../../src/providers/aws/apply/aws-step-handlers.js";
import type { JsonObject } from "../../src/store/codec.js";
import { listSteps } from "../../src/store/steps-repo.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import {
  captureShop,
  countByRunTag,
  countRegion,
  planShop,
  recoverySetup,
  source,
  target,
  targetFacts,
  type CapturedShop,
  type Counts,
  type RecoverySetup,
} from "./recover-fixture.js";

let moto: MotoServer;
let clients: AwsClients;
let captured: CapturedShop;
let setup: RecoverySetup;
let plan: Plan;
let sourceCounts: Counts;
let baseline: Counts;
let runId: string;
let originalAlias: string | undefined;

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
  captured = await captureShop(moto, clients);
  sourceCounts = await countRegion(clients.region(source));
  baseline = await countRegion(clients.region(target));
  plan = planShop(captured.inventory, await targetFacts(clients.region(target).ec2), "failover");
  setup = await recoverySetup(moto);
  originalAlias = await aliasOf(captured.shop.dns.shopRecordName);
});

after(async () => {
  await setup?.close();
  clients?.destroy();
  await moto?.stop();
});

async function recordOf(name: string, type: string) {
  const { route53 } = clients.region(target);
  const found = await route53.send(
    new ListResourceRecordSetsCommand({ HostedZoneId: captured.shop.dns.hostedZoneId }),
  );
  return found.ResourceRecordSets?.find((r) => r.Name === `${name}.` && r.Type === type);
}

async function aliasOf(name: string): Promise<string | undefined> {
  return (await recordOf(name, "A"))?.AliasTarget?.DNSName;
}

test("the shop is rebuilt in us-west-2: counts by kind match, nothing made twice", async (t) => {
  const started = Date.now();
  const { run, report } = await setup.executor.recover({
    environment: "shop",
    mode: "failover",
    plan,
  });
  runId = run.id;
  t.diagnostic(
    `recovery: ${report.steps.length} steps, wall ${report.wallMs} ms (test ${Date.now() - started} ms), ` +
      `critical path ${report.criticalPath.steps.length} steps / ${report.criticalPath.durationMs} ms, ` +
      `longest chain ${report.longestChain}, peak in flight ${report.peakInFlight}, ` +
      `counts ${JSON.stringify(report.counts)}`,
  );
  t.diagnostic(`critical path: ${report.criticalPath.steps.join(" → ")}`);
  const calls = setup.connection.stats();
  t.diagnostic(`AWS API calls: ${calls.calls} (${calls.attempts} attempts)`);
  assert.deepEqual(report.errors, []);
  assert.equal(run.phase, "succeeded");
  assert.equal(report.steps.length, plan.steps.length);

  const after = await countRegion(clients.region(target));
  const made: Counts = {};
  for (const [kind, n] of Object.entries(after)) made[kind] = n - (baseline[kind] ?? 0);
  t.diagnostic(`source ${JSON.stringify(sourceCounts)}`);
  t.diagnostic(`made   ${JSON.stringify(made)}`);
  assert.deepEqual(made, sourceCounts);

  const bySource = await countByRunTag(clients.region(target).ec2, runId);
  const twice = [...bySource].filter(([key, n]) => n > 1 && !key.startsWith("instance:scaling"));
  assert.deepEqual(twice, [], "one resource per source id and type");
  assert.ok(bySource.size >= 15, `tagged resources: ${bySource.size}`);

  const westLb = (await setup.executor.report(runId)).steps.find(
    (s) => s.stepId === "create:load-balancer:shop-alb",
  );
  assert.equal(westLb?.resolution, "created");
  assert.match((await aliasOf(captured.shop.dns.shopRecordName)) ?? "", /us-west-2/);
  const cname = await recordOf(captured.shop.dns.databaseRecordName, "CNAME");
  assert.match(cname?.ResourceRecords?.[0]?.Value ?? "", /^shop-db-dr\..*us-west-2/);
});

test("resuming the finished run changes nothing", async () => {
  const before = await countRegion(clients.region(target));
  const { run } = await setup.executor.resume(runId);
  assert.equal(run.phase, "succeeded");
  assert.deepEqual(await countRegion(clients.region(target)), before);
});

test("executing every step again (a crash after each create) adopts everything", async (t) => {
  const before = await countRegion(clients.region(target));
  const records = await listSteps(setup.store, runId);
  const outputs = new Map(records.map((r) => [r.stepId, r.outputs ?? {}] as [string, JsonObject]));
  const handlers = awsStepHandlers({ ...motoClientConfig(moto, target), maxConcurrency: 4 });
  const resolutions: Record<string, number> = {};
  const started = Date.now();
  for (const step of plan.steps) {
    const handler = handlers[step.kind];
    assert.ok(handler, step.kind);
    const ctx: StepContext = {
      runId,
      environment: "shop",
      idempotencyKey: `${runId}/${step.idempotencyKey}`,
      input: bindReferences(step.input, plan.bindings, outputs),
      dependencyOutputs: outputs,
      attempt: 1,
      signal: new AbortController().signal,
      logger: silentLogger,
      clock: systemClock,
      journal: async () => undefined,
    };
    const result = await handler.execute(step, ctx);
    const resolution = result.resolution ?? "none";
    resolutions[resolution] = (resolutions[resolution] ?? 0) + 1;
    if (["create", "copy", "adopt"].includes(step.kind)) {
      assert.equal(resolution, "adopted", step.id);
      assert.equal(result.outputs.id, outputs.get(step.id)?.id, step.id);
    }
  }
  t.diagnostic(
    `re-executed ${plan.steps.length} steps in ${Date.now() - started} ms: ${JSON.stringify(resolutions)}`,
  );
  assert.equal(resolutions.created ?? 0, 0);
  assert.deepEqual(await countRegion(clients.region(target)), before);
});

test("teardown puts us-west-2 back to its baseline; a second teardown is a no-op", async (t) => {
  const started = Date.now();
  const first = await setup.executor.teardown(runId);
  t.diagnostic(
    `teardown: ${first.report.steps.length} steps, wall ${first.report.wallMs} ms ` +
      `(test ${Date.now() - started} ms), counts ${JSON.stringify(first.report.counts)}`,
  );
  assert.deepEqual(first.report.errors, []);
  assert.equal(first.run.phase, "succeeded");
  assert.deepEqual(await countRegion(clients.region(target)), baseline);
  assert.match(originalAlias ?? "", /us-east-1/);
  assert.equal(await aliasOf(captured.shop.dns.shopRecordName), originalAlias, "alias restored");

  const second = await setup.executor.teardown(runId);
  assert.equal(second.run.id, first.run.id);
  assert.equal(second.run.phase, "succeeded");
  assert.deepEqual(await countRegion(clients.region(target)), baseline);
  assert.ok((first.report.counts.deleted ?? 0) >= 20, JSON.stringify(first.report.counts));
});

test("a partial drill (--only the web tier) builds its closure only, then tears down", async (t) => {
  const outcome = planRecovery({
    environment: "shop",
    inventory: captured.inventory,
    mapping: parseMappingOrThrow({ target: "west", nameSuffix: "-dr" }),
    mode: "drill",
    facts: await targetFacts(clients.region(target).ec2),
    selection: { kinds: ["scaling-group", "load-balancer"] },
  });
  assert.ok(outcome.ok);
  const { run, report } = await setup.executor.recover({
    environment: "shop",
    mode: "drill",
    plan: outcome.plan,
  });
  t.diagnostic(`partial: ${report.steps.length} steps, wall ${report.wallMs} ms`);
  assert.deepEqual(report.errors, []);
  assert.equal(run.phase, "succeeded");
  const now = await countRegion(clients.region(target));
  assert.equal(now["load-balancer"]! - baseline["load-balancer"]!, 1);
  assert.equal(now["scaling-group"]! - baseline["scaling-group"]!, 1);
  assert.equal(now.database, baseline.database, "no database");
  assert.equal(now["db-subnet-group"], baseline["db-subnet-group"]);
  // Only the scaling group's machines: the bastion is not part of the web tier.
  assert.equal(now.machine! - baseline.machine!, captured.shop.compute.webInstanceIds.length);
  await setup.executor.teardown(run.id);
  assert.deepEqual(await countRegion(clients.region(target)), baseline);
});

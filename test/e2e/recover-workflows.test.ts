// Workflows attached at points of a recovery plan (docs/recovery-plan.md, "Workflow points"),
// through the built CLI against moto: `plan --json` shows them where they run; a failover
// waits inside its `before-dns` workflow's approval step (DNS untouched), survives kill -9
// there (resume undoes the workflow's open pair first) and moves DNS once approved; a drill's
// failing `verify` workflow fails the run with its code after its undo half ran, and the run
// resumes to success once the cause is fixed, then tears down.
import { strict as assert } from "node:assert";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ListCommandsCommand, SSMClient } from "@aws-sdk/client-ssm";
import { parse, stringify } from "yaml";
import { listSteps } from "../../src/store/steps-repo.js";
import { getRun } from "../../src/store/runs-repo.js";
import type { Store } from "../../src/store/store.js";
import { expectJson } from "./capture-fixture.js";
import { failoverWorld, untilWaiting, type FailoverWorld } from "./failover-fixture.js";
import { motoClientConfig } from "../harness/moto.js";
import {
  delta,
  spawnLifeboat,
  target,
  workspaceStore,
  type ReportJson,
} from "./recover-fixture.js";

const exec = (id: string, command: string, extra: object = {}) => ({
  id,
  action: "exec",
  with: { command },
  ...extra,
});
const workflows = {
  "compute-marker": { steps: [exec("mark", "echo after-compute >> workflow.log")] },
  "dns-gate": {
    steps: [
      exec("hold", "echo hold >> workflow.log", { undo: "release" }),
      { id: "approve-dns", action: "approval", with: { message: "move shop.example.com?" } },
      exec("release", "echo release >> workflow.log"),
    ],
  },
  announce: { steps: [exec("say", "echo after-dns >> workflow.log")] },
  "gated-check": {
    steps: [
      exec("lock", "echo lock >> workflow.log", { undo: "unlock" }),
      exec("check", "test -f checks-pass"),
      exec("unlock", "echo unlock >> workflow.log"),
    ],
  },
};

let world: FailoverWorld;
let store: Store;

before(async () => {
  world = await failoverWorld((c) =>
    c.set("workflows", workflows).set("environments.shop.recovery.workflows", {
      "after-compute": ["compute-marker"],
      "before-dns": ["dns-gate"],
      "after-dns": ["announce"],
    }),
  );
  store = await workspaceStore(world.ws);
});

after(async () => {
  await store?.close();
  await world?.close();
});

const log = () => {
  const file = join(world.ws.dir, "workflow.log");
  const lines = existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
  writeFileSync(file, "");
  return lines.filter((l) => l.length > 0);
};
const stepOf = (report: ReportJson["report"], id: string) =>
  report.steps.find((s) => s.stepId === id)?.phase;

test("plan --json lists the workflow steps at their points", async () => {
  const { plan } = expectJson<{
    plan: { steps: { id: string; kind: string; dependsOn: string[]; input: unknown }[] };
  }>(await world.ws.cli(["plan", "shop", "--json"]));
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const gate = byId.get("workflow:before-dns:dns-gate");
  assert.equal(gate?.kind, "workflow");
  assert.ok(byId.get("dns-move:records")?.dependsOn.includes("workflow:before-dns:dns-gate"));
  assert.ok(byId.get("workflow:after-dns:announce")?.dependsOn.includes("dns-move:records"));
  assert.ok(byId.get("fence:source")?.dependsOn.includes("workflow:after-dns:announce"));
  const marker = byId.get("workflow:after-compute:compute-marker");
  assert.ok(marker?.dependsOn.some((d) => d.includes(":machine:")));
  assert.ok(
    byId.get("verify:endpoint")?.dependsOn.includes("workflow:after-compute:compute-marker"),
  );
  const text = await world.ws.cli(["plan", "shop"]);
  assert.match(text.stdout, /workflow\s+workflow:before-dns:dns-gate/);
  assert.match(text.stdout, /run workflow dns-gate \(before-dns\)/);
});

test("a failover waits in its before-dns approval; kill -9 and resume undo the open pair; approved, DNS moves", async () => {
  const primary = await world.shopRecord();
  const live = spawnLifeboat(world.ws, ["recover", "shop", "--yes", "--json"]);
  const runId = await live.runId;
  await untilWaiting(store, runId);
  assert.deepEqual(await world.shopRecord(), primary, "DNS waits for the approval");
  assert.deepEqual(log(), ["after-compute", "hold"]);
  live.proc.kill("SIGKILL");
  await live.done;

  const resumed = spawnLifeboat(world.ws, ["resume", runId, "--json"]);
  await resumed.runId;
  await untilWaiting(store, runId);
  assert.deepEqual(await world.shopRecord(), primary);
  const approved = expectJson<{ stepId: string; runId: string }>(
    await world.ws.cli(["approve", runId, "--step", "approve-dns", "--by", "ops", "--json"]),
  );
  assert.equal(approved.stepId, "approve-dns");
  assert.notEqual(approved.runId, runId, "decided in the attached workflow's run");
  const done = await resumed.done;
  const { report } = expectJson<ReportJson>(done, done.code);
  assert.equal(report.phase, "succeeded", done.stderr);
  for (const id of [
    "workflow:before-dns:dns-gate",
    "dns-move:records",
    "workflow:after-dns:announce",
  ]) {
    assert.equal(stepOf(report, id), "succeeded", id);
  }
  // The killed run's open pair was undone before the workflow ran again, then closed in place.
  assert.deepEqual(log(), ["release", "hold", "release", "after-dns"]);
  assert.match((await world.shopRecord()).dnsName ?? "", /us-west-2/);
  expectJson(await world.ws.cli(["teardown", runId, "--json"]));
  assert.deepEqual(await world.shopRecord(), primary);
});

test("a failing verify workflow fails a drill with its code; fixed, resume finishes it; teardown removes it", async () => {
  const tree = parse(readFileSync(world.ws.config, "utf8")) as {
    workflows: Record<string, unknown>;
    environments: { shop: { recovery: { workflows: Record<string, string[]> } } };
  };
  tree.environments.shop.recovery.workflows.verify = ["gated-check"];
  // A machine target naming the SOURCE bastion acts on its recovered copy (SSM in the target).
  const bastion = world.shop.compute.bastionInstanceId;
  tree.workflows["on-bastion"] = {
    steps: [
      {
        id: "touch",
        action: "aws-ssm-run",
        target: { machine: { instanceId: bastion } },
        with: { commands: "touch /tmp/recovered", every: "1s" },
      },
    ],
  };
  tree.environments.shop.recovery.workflows["after-compute"] = ["compute-marker", "on-bastion"];
  const config = join(world.ws.dir, "verify.yaml");
  writeFileSync(config, stringify(tree));
  const before = await world.targetCounts();
  const failed = await world.ws.cli([
    "recover",
    "shop",
    "--drill",
    "--keep",
    "--json",
    "--config",
    config,
  ]);
  const { report } = expectJson<ReportJson>(failed, 1);
  assert.equal(report.phase, "failed");
  assert.equal(stepOf(report, "workflow:after-compute:compute-marker"), "succeeded");
  assert.equal(stepOf(report, "workflow:verify:gated-check"), "failed");
  const errors = report.errors as { stepId: string; error: { code: string } }[];
  assert.deepEqual(
    errors.map((e) => [e.stepId, e.error.code]),
    [["workflow:verify:gated-check", "LB_ACTION_FAILED"]],
  );
  // The drill has no DNS: before-dns and after-dns add no steps.
  assert.ok(!report.steps.some((s) => s.stepId.startsWith("workflow:before-dns")));
  assert.deepEqual(log(), ["after-compute", "lock", "unlock"], "the undo half ran on failure");
  assert.equal(stepOf(report, "workflow:after-compute:on-bastion"), "succeeded");
  const steps = await listSteps(store, report.runId);
  const recovered = steps.find((r) => r.stepId === `create:machine:${bastion}`)?.outputs?.id;
  assert.ok(typeof recovered === "string" && recovered !== bastion);
  const attached = steps.find((r) => r.stepId === "workflow:after-compute:on-bastion");
  const child = await getRun(store, String(attached?.outputs?.workflowRun));
  assert.equal(child?.parentRunId, report.runId);
  const plan = child?.plan as { steps: { targets: { instanceId?: string }[] }[] };
  assert.deepEqual(
    plan.steps.map((s) => s.targets.map((t) => t.instanceId)),
    [[recovered]],
  );
  const ssm = new SSMClient(motoClientConfig(world.moto, target));
  try {
    const sent = await ssm.send(new ListCommandsCommand({ InstanceId: recovered }));
    assert.equal(sent.Commands?.length, 1, "SSM ran the script on the recovered bastion");
  } finally {
    ssm.destroy();
  }

  writeFileSync(join(world.ws.dir, "checks-pass"), "");
  const resumed = await world.ws.cli(["resume", report.runId, "--json", "--config", config]);
  const again = expectJson<ReportJson>(resumed, 0).report;
  assert.equal(again.phase, "succeeded");
  assert.deepEqual(log(), ["lock", "unlock"], "the rebuild and after-compute did not run again");

  expectJson(await world.ws.cli(["teardown", report.runId, "--json", "--config", config]));
  assert.deepEqual(delta(await world.targetCounts(), before), delta(before, before));
});

// Kill -9 the process executing a real AWS recovery (moto, shop us-east-1 → us-west-2) at
// three points, resume in-process: the run succeeds, the target holds what the source holds,
// nothing was made twice (counted by the run tag), and teardown returns to the baseline.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Executor } from "../../src/execute/executor.js";
import type { Plan } from "../../src/model/plan/index.js";
import { awsStepHandlers } from "../../src/providers/aws/apply/aws-step-handlers.js";
import { createEnvironment } from "../../src/store/environments-repo.js";
import { openStore } from "../../src/store/open-store.js";
import { listSteps } from "../../src/store/steps-repo.js";
import type { Store } from "../../src/store/store.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import {
  captureShop,
  countByRunTag,
  countRegion,
  planShop,
  source,
  target,
  targetFacts,
  type Counts,
} from "./recover-fixture.js";

const child = fileURLToPath(new URL("./recover-crash-child.js", import.meta.url));

let moto: MotoServer;
let clients: AwsClients;
let plan: Plan;
let sourceCounts: Counts;
let baseline: Counts;
let dir: string;

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
  const { inventory } = await captureShop(moto, clients);
  sourceCounts = await countRegion(clients.region(source));
  baseline = await countRegion(clients.region(target));
  plan = planShop(inventory, await targetFacts(clients.region(target).ec2), "drill");
  dir = mkdtempSync(join(tmpdir(), "lifeboat-recover-crash-"));
});

after(async () => {
  clients?.destroy();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const executor = (store: Store) =>
  new Executor({
    store,
    handlers: awsStepHandlers({ ...motoClientConfig(moto, target), maxConcurrency: 4 }),
    concurrency: 8,
  });

/** Succeeded steps (of the plan's) when the child is killed. */
const points = [
  { name: "early", succeeded: 3 },
  { name: "middle", succeeded: 15 },
  { name: "late", succeeded: 28 },
];

for (const point of points) {
  test(`kill -9 ${point.name} (≥ ${point.succeeded} steps done), resume → no duplicates`, async (t) => {
    const url = `sqlite:${join(dir, `${point.name}.db`)}`;
    const store = await openStore(url);
    await createEnvironment(store, { name: "shop", configDigest: "crash" });
    const run = await executor(store).createRun({ environment: "shop", mode: "drill", plan });
    const proc = spawn(process.execPath, [child, url, run.id, moto.endpoint], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const gone = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    const deadline = Date.now() + 60_000;
    let seen: number;
    for (;;) {
      const steps = await listSteps(store, run.id);
      seen = steps.filter((s) => s.phase === "succeeded").length;
      if (seen >= point.succeeded) break;
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill("SIGKILL");
        throw new Error(`child ended before ${point.succeeded} steps (${seen}): ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10)); // polling another process
    }
    proc.kill("SIGKILL");
    await gone;
    const atKill = await listSteps(store, run.id);
    const done = atKill.filter((s) => s.phase === "succeeded").length;
    const inFlight = atKill.filter((s) => s.phase === "running").map((s) => s.stepId);
    t.diagnostic(`killed with ${done} steps done, in flight: ${inFlight.join(", ") || "none"}`);
    assert.ok(done < plan.steps.length, "killed before the end");

    // The dead child's lease holds for 30 s; a store whose clock is a minute ahead resumes now.
    const later = await openStore(url, { now: () => new Date(Date.now() + 60_000) });
    const { run: resumed, report } = await executor(later).resume(run.id);
    t.diagnostic(
      `resumed: wall ${report.wallMs} ms, counts ${JSON.stringify(report.counts)}, ` +
        `peak in flight ${report.peakInFlight}`,
    );
    assert.deepEqual(report.errors, []);
    assert.equal(resumed.phase, "succeeded");
    const made: Counts = {};
    const now = await countRegion(clients.region(target));
    for (const [kind, n] of Object.entries(now)) made[kind] = n - (baseline[kind] ?? 0);
    assert.deepEqual(made, sourceCounts);
    const bySource = await countByRunTag(clients.region(target).ec2, run.id);
    const twice = [...bySource].filter(([key, n]) => n > 1 && !key.startsWith("instance:scaling"));
    assert.deepEqual(twice, []);

    const teardown = await executor(later).teardown(run.id);
    assert.deepEqual(teardown.report.errors, []);
    assert.deepEqual(await countRegion(clients.region(target)), baseline);
    await later.close();
    await store.close();
  });
}

test("kill -9 mid-run, cancel the orphan, tear down → baseline (undo finds by tags)", async (t) => {
  const url = `sqlite:${join(dir, "cancelled.db")}`;
  const store = await openStore(url);
  await createEnvironment(store, { name: "shop", configDigest: "crash" });
  const run = await executor(store).createRun({ environment: "shop", mode: "drill", plan });
  const proc = spawn(process.execPath, [child, url, run.id, moto.endpoint], {
    stdio: ["ignore", "ignore", "ignore"],
  });
  const gone = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  while ((await listSteps(store, run.id)).filter((s) => s.phase === "succeeded").length < 12) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error("child ended early");
    await new Promise((resolve) => setTimeout(resolve, 10)); // polling another process
  }
  proc.kill("SIGKILL");
  await gone;
  const inFlight = (await listSteps(store, run.id)).filter((s) => s.phase === "running").length;
  t.diagnostic(`killed with ${inFlight} step(s) in flight`);

  const later = await openStore(url, { now: () => new Date(Date.now() + 60_000) });
  const cancelled = await executor(later).cancel(run.id);
  assert.equal(cancelled.phase, "cancelled");
  const teardown = await executor(later).teardown(run.id);
  t.diagnostic(`teardown of the cancelled run: ${JSON.stringify(teardown.report.counts)}`);
  assert.deepEqual(teardown.report.errors, []);
  assert.equal(teardown.run.phase, "succeeded");
  assert.deepEqual(await countRegion(clients.region(target)), baseline);
  await later.close();
  await store.close();
});

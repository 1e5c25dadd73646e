/**
 * A 50-step recovery-shaped DAG (network → subnets and groups → rules, gateways → routes →
 * machines → waits → target registration → DNS) on both dialects, with handlers that do no
 * work: what is measured is the executor itself — journal writes per step, scheduling,
 * parallelism. Numbers go to the test's diagnostics (docs/execution.md quotes them).
 */
import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import type { ExecutableStep } from "../../src/execute/execution-plan.js";
import { Executor } from "../../src/execute/executor.js";
import {
  handlers,
  newTrace,
  plan,
  recordingHandler,
  step,
  storeTargets,
} from "./execute-fixture.js";

function shopDag(): ExecutableStep[] {
  const steps: ExecutableStep[] = [step("network")];
  const layer = (prefix: string, n: number, deps: (i: number) => string[]) => {
    for (let i = 0; i < n; i++) steps.push(step(`${prefix}${i}`, deps(i)));
  };
  layer("subnet", 6, () => ["network"]);
  layer("group", 4, () => ["network"]);
  layer("rules", 4, () => ["group0", "group1", "group2", "group3"]);
  layer("gateway", 2, () => ["network"]);
  layer("routes", 2, (i) => [`gateway${i}`, "subnet0", "subnet1", "subnet2"]);
  layer("machine", 12, (i) => [`subnet${i % 6}`, `rules${i % 4}`]);
  layer("running", 12, (i) => [`machine${i}`]);
  layer("target-group", 2, () => ["network"]);
  layer("register", 2, (i) => [
    `target-group${i}`,
    ...[0, 1, 2, 3, 4, 5].map((m) => `running${i * 6 + m}`),
  ]);
  layer("balancer", 2, (i) => [`register${i}`, "routes0", "routes1"]);
  steps.push(step("dns", ["balancer0", "balancer1"]));
  return steps;
}

for (const target of storeTargets()) {
  describe(`executor at recovery scale: ${target.name}`, () => {
    before(() => target.setUp());
    after(() => target.tearDown());

    test("50 steps run in parallel where the graph allows, within the limit", async (t) => {
      const { store } = await target.fresh();
      const steps = shopDag();
      assert.equal(steps.length, 50);
      const trace = newTrace();
      const executor = new Executor({ store, handlers: handlers(recordingHandler(trace)) });
      const began = performance.now();
      const { run, report } = await executor.recover({
        environment: "shop",
        mode: "drill",
        plan: plan(steps),
      });
      const wallMs = Math.round(performance.now() - began);
      assert.equal(run.phase, "succeeded");
      assert.equal(report.counts.created, 50);
      assert.equal(report.longestChain, 8);
      assert.ok(report.peakInFlight > 1 && report.peakInFlight <= 8, `${report.peakInFlight}`);
      t.diagnostic(
        `${target.name}: 50 steps in ${wallMs} ms (${(wallMs / 50).toFixed(1)} ms/step of ` +
          `executor overhead), peak ${report.peakInFlight} in flight, longest chain ` +
          `${report.longestChain}`,
      );
    });
  });
}

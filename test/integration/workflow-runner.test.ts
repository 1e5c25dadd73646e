/**
 * The workflow runner on SQLite and PostgreSQL with the real `exec` plug-in: steps write to a
 * log file, so the test observes what ran and in which order. Pairs: the undo half of every
 * pair whose first half ran always runs — on success in place, on failure, timeout and cancel
 * in reverse order.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { workflowSchema } from "../../src/model/workflow.js";
import { standaloneBuiltins } from "../../src/plugins/builtin/index.js";
import { PluginRegistry } from "../../src/plugins/plugin-registry.js";
import { planWorkflow } from "../../src/workflows/workflow-plan.js";
import { WorkflowRunner } from "../../src/workflows/workflow-runner.js";
import { listRuns } from "../../src/store/runs-repo.js";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { listSteps } from "../../src/store/steps-repo.js";
import { storeTargets } from "./execute-fixture.js";

const registry = new PluginRegistry();
for (const plugin of standaloneBuiltins) registry.register(plugin);

/** quiesce db → freeze fs → middle → thaw fs → unquiesce db, every step logging its name. */
function workflow(log: string, middle: Record<string, unknown>) {
  const say = (word: string) => ({
    command: ["/bin/sh", "-c", `echo ${word} >> "$LOG"`],
    env: { LOG: log },
  });
  return workflowSchema.parse({
    steps: [
      { id: "quiesce-db", action: "exec", with: say("quiesce-db"), undo: "unquiesce-db" },
      { id: "freeze-fs", action: "exec", with: say("freeze-fs"), undo: "thaw-fs" },
      { id: "middle", action: "exec", ...middle },
      { id: "thaw-fs", action: "exec", with: say("thaw-fs") },
      { id: "unquiesce-db", action: "exec", with: say("unquiesce-db") },
    ],
  });
}

const lines = (file: string) => readFileSync(file, "utf8").trim().split("\n");

for (const target of storeTargets()) {
  describe(`workflow runner: ${target.name}`, () => {
    let dir = "";
    before(async () => {
      await target.setUp();
      dir = mkdtempSync(join(tmpdir(), "lifeboat-wf-"));
    });
    after(async () => {
      await target.tearDown();
      rmSync(dir, { recursive: true, force: true });
    });

    const setUp = async (name: string) => {
      const { store } = await target.fresh();
      const log = join(dir, `${target.name}-${name}.log`);
      writeFileSync(log, "");
      return { store, log, runner: new WorkflowRunner({ store, registry, leaseTtlMs: 60_000 }) };
    };

    test("success: every step once, pairs closed in place", async () => {
      const { store, log, runner } = await setUp("ok");
      const plan = planWorkflow(
        "ok",
        workflow(log, { with: { command: `echo middle >> ${log}` } }),
        registry,
      );
      const report = await runner.run(plan, "shop");
      assert.equal(report.phase, "succeeded");
      assert.deepEqual(lines(log), [
        "quiesce-db",
        "freeze-fs",
        "middle",
        "thaw-fs",
        "unquiesce-db",
      ]);
      assert.deepEqual(report.undoneOutOfOrder, []);
      const events = await listStepEvents(store, report.runId);
      assert.equal(events.filter((e) => e.type === "step.succeeded").length, 5);
    });

    test("a failure in the middle: both undo halves still run, in reverse order; code reported", async () => {
      const { log, runner } = await setUp("fail");
      const plan = planWorkflow("fail", workflow(log, { with: { command: "exit 7" } }), registry);
      const report = await runner.run(plan, "shop");
      assert.equal(report.phase, "failed");
      assert.equal(report.error?.code, "LB_ACTION_FAILED");
      assert.deepEqual(lines(log), ["quiesce-db", "freeze-fs", "thaw-fs", "unquiesce-db"]);
      assert.deepEqual(report.undoneOutOfOrder, [
        { step: "thaw-fs", role: "undo" },
        { step: "unquiesce-db", role: "undo" },
      ]);
      const phases = Object.fromEntries(report.steps.map((s) => [s.id, s.phase]));
      assert.deepEqual(phases, {
        "quiesce-db": "succeeded",
        "freeze-fs": "succeeded",
        middle: "failed",
        "thaw-fs": "succeeded",
        "unquiesce-db": "succeeded",
      });
    });

    test("a timeout fails the step with LB_WORKFLOW_STEP_TIMEOUT and still undoes", async () => {
      const { log, runner } = await setUp("timeout");
      const plan = planWorkflow(
        "timeout",
        workflow(log, { with: { command: ["sleep", "30"] }, timeout: "300ms" }),
        registry,
      );
      const report = await runner.run(plan, "shop");
      assert.equal(report.error?.code, "LB_WORKFLOW_STEP_TIMEOUT");
      assert.deepEqual(lines(log), ["quiesce-db", "freeze-fs", "thaw-fs", "unquiesce-db"]);
    });

    test("cancel while a step runs: the run ends cancelled and the pairs are undone", async () => {
      const { store, log, runner } = await setUp("cancel");
      const plan = planWorkflow(
        "cancel",
        workflow(log, { with: { command: ["sleep", "30"] } }),
        registry,
      );
      const abort = new AbortController();
      const running = runner.run(plan, "shop", abort.signal);
      const deadline = Date.now() + 20_000;
      const middleRunning = async () =>
        (await listRuns(store, {})).length > 0 &&
        (await listSteps(store, (await listRuns(store, {}))[0]?.id ?? "")).some(
          (s) => s.stepId === "middle" && s.phase === "running",
        );
      while (!(await middleRunning()) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20)); // polling the store the runner writes
      }
      abort.abort();
      const report = await running;
      assert.equal(report.phase, "cancelled");
      assert.equal(report.steps.find((s) => s.id === "middle")?.phase, "cancelled");
      assert.deepEqual(lines(log), ["quiesce-db", "freeze-fs", "thaw-fs", "unquiesce-db"]);
    });

    test("onError: continue records the failure and goes on", async () => {
      const { log, runner } = await setUp("continue");
      const plan = planWorkflow(
        "continue",
        workflow(log, { with: { command: "exit 3" }, onError: "continue" }),
        registry,
      );
      const report = await runner.run(plan, "shop");
      assert.equal(report.phase, "succeeded");
      assert.equal(report.steps.find((s) => s.id === "middle")?.error?.code, "LB_ACTION_FAILED");
      assert.deepEqual(lines(log), ["quiesce-db", "freeze-fs", "thaw-fs", "unquiesce-db"]);
    });
  });
}

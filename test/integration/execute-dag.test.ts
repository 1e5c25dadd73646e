/**
 * The executor's scheduling conformance: DAG order, bounded parallelism, retries, failures and
 * reference binding — on SQLite and PostgreSQL.
 */
import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import { Executor } from "../../src/execute/executor.js";
import { ManualClock } from "../../src/model/clock.js";
import { LifeboatError, isLifeboatError } from "../../src/model/errors.js";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { listSteps } from "../../src/store/steps-repo.js";
import {
  deferred,
  handlers,
  newTrace,
  plan,
  recordingHandler,
  step,
  storeTargets,
} from "./execute-fixture.js";

const diamond = () => plan([step("a"), step("b", ["a"]), step("c", ["a"]), step("d", ["b", "c"])]);

for (const target of storeTargets()) {
  describe(`executor DAG: ${target.name}`, () => {
    before(() => target.setUp());
    after(() => target.tearDown());

    test("a diamond runs in dependency order and every state change is journaled", async () => {
      const { store } = await target.fresh();
      const trace = newTrace();
      const executor = new Executor({ store, handlers: handlers(recordingHandler(trace)) });
      const run = await executor.createRun({ environment: "shop", mode: "drill", plan: diamond() });
      assert.equal(run.phase, "pending");
      assert.deepEqual(
        (await listSteps(store, run.id)).map((s) => s.phase),
        ["pending", "pending", "pending", "pending"],
      );
      assert.equal(trace.calls.size, 0, "nothing executes before execute()");

      const { run: done, report } = await executor.execute(run.id);
      assert.equal(done.phase, "succeeded");
      const at = (entry: string) => trace.log.indexOf(entry);
      assert.ok(at("end:a") < at("start:b") && at("end:a") < at("start:c"));
      assert.ok(at("end:b") < at("start:d") && at("end:c") < at("start:d"));
      assert.equal(report.counts.created, 4);
      assert.deepEqual(report.criticalPath.steps.length, 3);
      assert.equal(report.longestChain, 3);
      assert.equal(done.leaseOwner, null, "the lease is released");

      const events = await listStepEvents(store, run.id);
      assert.deepEqual(
        events.map((e) => e.seq),
        events.map((_, i) => i + 1),
      );
      assert.equal(events[0]?.type, "run.created");
      assert.equal(events.at(-1)?.type, "run.finished");
      for (const id of ["a", "b", "c", "d"]) {
        const types = events.filter((e) => e.stepId === id).map((e) => e.type);
        assert.deepEqual(types, ["step.started", "step.succeeded"]);
      }
    });

    test("parallel steps never exceed the concurrency limit, and reach it", async () => {
      const { store } = await target.fresh();
      const limit = 3;
      let inFlight = 0;
      let peak = 0;
      const full = deferred();
      const trace = newTrace();
      const handler = recordingHandler(trace, {
        during: async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          if (inFlight === limit) full.resolve();
          await full.promise; // the latch: nobody finishes before `limit` are in flight
          inFlight--;
        },
      });
      const steps = Array.from({ length: 12 }, (_, i) => step(`s${i}`));
      const executor = new Executor({ store, handlers: handlers(handler), concurrency: limit });
      const { run, report } = await executor.recover({
        environment: "shop",
        mode: "drill",
        plan: plan([
          ...steps,
          step(
            "last",
            steps.map((s) => s.id),
          ),
        ]),
      });
      assert.equal(run.phase, "succeeded");
      assert.equal(peak, limit);
      assert.equal(report.peakInFlight, limit);
      assert.equal(report.longestChain, 2);
    });

    test("a retryable error backs off (exponentially, injected clock) and then succeeds", async () => {
      const { store } = await target.fresh();
      const clock = new ManualClock("2026-01-05T12:00:00Z", { autoAdvance: true });
      const trace = newTrace();
      const handler = recordingHandler(trace, {
        during: async (id, _signal, attempt) => {
          if (id === "b" && attempt < 3) {
            throw new LifeboatError("LB_PROVIDER_THROTTLED", "slow down");
          }
        },
      });
      const executor = new Executor({
        store,
        handlers: handlers(handler),
        clock,
        random: () => 0,
        retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 10_000 },
      });
      const { run, report } = await executor.recover({
        environment: "shop",
        mode: "drill",
        plan: plan([step("a"), step("b", ["a"])]),
      });
      assert.equal(run.phase, "succeeded");
      assert.deepEqual(clock.sleeps, [50, 100]);
      const b = report.steps.find((s) => s.stepId === "b");
      assert.equal(b?.attempts, 3);
      assert.equal(b?.resolution, "adopted", "the retry adopts what the first call made");
      assert.equal(trace.made.size, 2);
      const types = (await listStepEvents(store, run.id))
        .filter((e) => e.stepId === "b")
        .map((e) => e.type);
      assert.deepEqual(types, [
        "step.started",
        "step.retrying",
        "step.started",
        "step.retrying",
        "step.started",
        "step.succeeded",
      ]);
    });

    test("retries stop at the attempt limit and the step fails with the last error", async () => {
      const { store } = await target.fresh();
      const clock = new ManualClock("2026-01-05T12:00:00Z", { autoAdvance: true });
      const handler = recordingHandler(newTrace(), {
        during: async () => {
          throw new LifeboatError("LB_PROVIDER_UNREACHABLE", "down");
        },
      });
      const executor = new Executor({
        store,
        handlers: handlers(handler),
        clock,
        retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
      });
      const { run, report } = await executor.recover({
        environment: "shop",
        mode: "drill",
        plan: plan([step("a")]),
      });
      assert.equal(run.phase, "failed");
      assert.equal(run.error?.code, "LB_PROVIDER_UNREACHABLE");
      assert.equal(report.steps[0]?.attempts, 3);
      assert.equal(clock.sleeps.length, 2);
    });

    test("a permanent error fails its step, skips its dependents, and lets others finish", async () => {
      const { store } = await target.fresh();
      const trace = newTrace();
      const handler = recordingHandler(trace, {
        during: async (id) => {
          if (id === "b") throw new LifeboatError("LB_PROVIDER_REQUEST_FAILED", "bad request");
        },
      });
      const executor = new Executor({ store, handlers: handlers(handler) });
      const { run, report } = await executor.recover({
        environment: "shop",
        mode: "drill",
        plan: plan([
          step("a"),
          step("b", ["a"]),
          step("c", ["b"]),
          step("e", ["c"]),
          step("d", ["a"]),
        ]),
      });
      assert.equal(run.phase, "failed");
      assert.equal(run.error?.code, "LB_PROVIDER_REQUEST_FAILED");
      const phases = Object.fromEntries(report.steps.map((s) => [s.stepId, s.phase]));
      assert.deepEqual(phases, {
        a: "succeeded",
        b: "failed",
        c: "skipped",
        e: "skipped",
        d: "succeeded",
      });
      assert.equal(trace.calls.get("b"), 1, "a permanent error is not retried");
      assert.equal(trace.calls.has("c"), false);
      assert.deepEqual(
        report.errors.map((e) => [e.stepId, e.error.code]),
        [["b", "LB_PROVIDER_REQUEST_FAILED"]],
      );
    });

    test("a readiness gate that does not hold in time fails with LB_TIMEOUT", async () => {
      const { store } = await target.fresh();
      const clock = new ManualClock();
      const waiting = deferred();
      const handler = recordingHandler(newTrace(), {
        during: async (id, signal) => {
          if (id !== "wait") return;
          waiting.resolve();
          await new Promise((resolve) => signal.addEventListener("abort", resolve));
          throw new LifeboatError("LB_CANCELLED", "stopped polling");
        },
      });
      const executor = new Executor({ store, handlers: handlers(handler), clock });
      const gated = {
        ...step("wait", ["a"]),
        gate: { condition: "machine-running", timeoutSeconds: 300 },
      };
      const running = executor.recover({
        environment: "shop",
        mode: "drill",
        plan: plan([step("a"), gated, step("after", ["wait"])]),
      });
      await waiting.promise;
      clock.advance(300_000);
      const { run, report } = await running;
      assert.equal(run.phase, "failed");
      assert.equal(run.error?.code, "LB_TIMEOUT");
      const phases = Object.fromEntries(report.steps.map((s) => [s.stepId, s.phase]));
      assert.deepEqual(phases, { a: "succeeded", wait: "failed", after: "skipped" });
    });

    test("outputs rebind references for dependents, and survive in the store", async () => {
      const { store } = await target.fresh();
      const trace = newTrace();
      const executor = new Executor({ store, handlers: handlers(recordingHandler(trace)) });
      const net = step("create:network:n1");
      const sub = step("create:subnet:s1", [net.id], {
        network: { ref: "network:n1" },
        cidr: "10.0.1.0/24",
        tags: [{ ref: "network:n1" }],
      });
      const vm = step("create:machine:m1", [sub.id], { subnet: { ref: "subnet:s1" } });
      const { run } = await executor.recover({
        environment: "shop",
        mode: "drill",
        plan: plan([net, sub, vm], { "network:n1": net.id, "subnet:s1": sub.id }),
      });
      assert.equal(run.phase, "succeeded");
      const stored = new Map((await listSteps(store, run.id)).map((s) => [s.stepId, s.outputs]));
      const netId = stored.get(net.id)?.id;
      assert.equal(typeof netId, "string");
      assert.deepEqual(trace.inputs.get(sub.id), {
        network: netId,
        cidr: "10.0.1.0/24",
        tags: [netId],
      });
      assert.deepEqual(trace.inputs.get(vm.id), { subnet: stored.get(sub.id)?.id });
    });

    test("plans that are not runnable DAGs are refused before anything is stored", async () => {
      const { store } = await target.fresh();
      const executor = new Executor({ store, handlers: handlers(recordingHandler(newTrace())) });
      const refused = async (p: ReturnType<typeof plan>, code: string) =>
        assert.rejects(executor.createRun({ environment: "shop", mode: "drill", plan: p }), (e) =>
          isLifeboatError(e) && e.code === code ? true : assert.fail(String(e)),
        );
      await refused(plan([step("a", ["b"]), step("b", ["a"])]), "LB_INVALID_INPUT");
      await refused(plan([step("a", ["missing"])]), "LB_INVALID_INPUT");
      await refused(plan([step("a", [], { x: { ref: "network:n" } })]), "LB_INVALID_INPUT");
      await refused(
        plan([step("a"), step("b", [], { x: { ref: "network:n" } })], { "network:n": "a" }),
        "LB_INVALID_INPUT",
      );
      await refused(plan([{ ...step("a"), kind: "teleport" }]), "LB_PROVIDER_UNSUPPORTED");
      assert.deepEqual(await store.db.selectFrom("runs").select("id").execute(), []);
    });
  });
}

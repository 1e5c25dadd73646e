/**
 * The executor's run control: cancel, teardown, leases, resume and event streaming — on SQLite
 * and PostgreSQL.
 */
import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import { followRunEvents } from "../../src/execute/event-stream.js";
import { Executor } from "../../src/execute/executor.js";
import { LifeboatError, isLifeboatError, type ErrorCode } from "../../src/model/errors.js";
import { acquireRunLease } from "../../src/store/run-lease.js";
import { getRun, updateRun } from "../../src/store/runs-repo.js";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { getStep, listSteps, updateStep } from "../../src/store/steps-repo.js";
import {
  deferred,
  handlers,
  newTrace,
  plan,
  recordingHandler,
  step,
  storeTargets,
  untilAborted,
} from "./execute-fixture.js";

const rejectsWith = (promise: Promise<unknown>, code: ErrorCode) =>
  assert.rejects(promise, (error) => {
    assert.ok(isLifeboatError(error), `expected ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });

for (const target of storeTargets()) {
  describe(`executor control: ${target.name}`, () => {
    before(() => target.setUp());
    after(() => target.tearDown());

    test("cancel aborts running steps, starts no new ones, and ends the run cancelled", async () => {
      const { store } = await target.fresh();
      const trace = newTrace();
      const started = deferred();
      const zRan = deferred();
      const handler = recordingHandler(trace, {
        during: async (id, signal) => {
          // z runs beside slow; the cancel waits for it so that what was made is deterministic.
          if (id === "z") zRan.resolve();
          if (id !== "slow") return;
          started.resolve();
          await untilAborted(signal);
        },
      });
      const executor = new Executor({ store, handlers: handlers(handler) });
      const run = await executor.createRun({
        environment: "shop",
        mode: "drill",
        plan: plan([step("a"), step("slow", ["a"]), step("next", ["slow"]), step("z", ["a"])]),
      });
      const running = executor.execute(run.id);
      await Promise.all([started.promise, zRan.promise]);
      const requested = await executor.cancel(run.id);
      assert.equal(requested.phase, "cancelling");
      const { run: done, report } = await running;
      assert.equal(done.phase, "cancelled");
      assert.equal(done.error?.code, "LB_CANCELLED");
      const phases = Object.fromEntries(report.steps.map((s) => [s.stepId, s.phase]));
      assert.equal(phases.slow, "cancelled");
      assert.equal(phases.next, "cancelled");
      assert.equal(trace.calls.has("next"), false, "no step starts after the cancel");
      assert.equal((await executor.cancel(run.id)).phase, "cancelled", "cancel is idempotent");

      // The aborted step had made its resource before the cancel: teardown still finds it.
      assert.equal(trace.made.size, 3);
      const torn = await executor.teardown(run.id);
      assert.equal(torn.run.phase, "succeeded");
      assert.equal(trace.made.size, 0);
    });

    test("a cancel from another process reaches the executor through the store", async () => {
      const { store, url } = await target.fresh();
      const other = await target.peer(url, store);
      const started = deferred();
      const handler = recordingHandler(newTrace(), {
        during: async (id, signal) => {
          if (id !== "slow") return;
          started.resolve();
          await untilAborted(signal);
        },
      });
      // A short lease: the keep-alive that notices the cancel runs every ttl/3. Not shorter: an
      // executor that has not renewed for a ttl stops (docs/execution.md, "Leases").
      const executor = new Executor({ store, handlers: handlers(handler), leaseTtlMs: 1500 });
      const remote = new Executor({ store: other, handlers: handlers(handler) });
      const run = await executor.createRun({
        environment: "shop",
        mode: "drill",
        plan: plan([step("slow"), step("next", ["slow"])]),
      });
      const running = executor.execute(run.id);
      await started.promise;
      assert.equal((await remote.cancel(run.id)).phase, "cancelling");
      const { run: done } = await running;
      assert.equal(done.phase, "cancelled");
    });

    test("an executor stalled past its lease stops before its handler's next call; the run stays resumable", async () => {
      const { store } = await target.fresh();
      let abortedAfterStall: boolean | undefined;
      const handler = recordingHandler(newTrace(), {
        during: async (id, signal) => {
          if (id !== "slow" || abortedAfterStall !== undefined) return;
          // The whole thread stalls (as under SIGSTOP): no timer, no keep-alive, for > the ttl.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_600);
          // What the AWS adapter reads before sending its next request.
          abortedAfterStall = signal.aborted;
          if (abortedAfterStall) throw new LifeboatError("LB_CANCELLED", "aborted");
        },
      });
      const executor = new Executor({ store, handlers: handlers(handler), leaseTtlMs: 1_500 });
      const run = await executor.createRun({
        environment: "shop",
        mode: "drill",
        plan: plan([step("slow"), step("next", ["slow"])]),
      });
      await rejectsWith(executor.execute(run.id), "LB_RUN_LOCKED");
      assert.equal(abortedAfterStall, true);
      assert.equal((await getRun(store, run.id))?.phase, "running");
      assert.deepEqual(
        (await listSteps(store, run.id)).map((s) => s.phase),
        ["pending", "pending"],
      );
      const { run: resumed } = await executor.execute(run.id);
      assert.equal(resumed.phase, "succeeded");
    });

    test("cancelling a run that never started cancels it and its steps at once", async () => {
      const { store } = await target.fresh();
      const trace = newTrace();
      const executor = new Executor({ store, handlers: handlers(recordingHandler(trace)) });
      const run = await executor.createRun({
        environment: "shop",
        mode: "drill",
        plan: plan([step("a"), step("b", ["a"])]),
      });
      assert.equal((await executor.cancel(run.id)).phase, "cancelled");
      assert.deepEqual(
        (await listSteps(store, run.id)).map((s) => s.phase),
        ["cancelled", "cancelled"],
      );
      assert.equal(trace.calls.size, 0);
    });

    test("teardown undoes in reverse dependency order, and a second teardown is a no-op", async () => {
      const { store } = await target.fresh();
      const trace = newTrace();
      const executor = new Executor({ store, handlers: handlers(recordingHandler(trace)) });
      const { run } = await executor.recover({
        environment: "shop",
        mode: "drill",
        plan: plan([
          step("net"),
          step("subnet", ["net"]),
          step("vm", ["subnet"]),
          step("gw", ["net"]),
        ]),
      });
      assert.equal(run.phase, "succeeded");
      assert.equal(trace.made.size, 4);
      const first = await executor.teardown(run.id);
      assert.equal(first.run.phase, "succeeded");
      assert.equal(first.run.mode, "teardown");
      assert.equal(first.run.parentRunId, run.id);
      assert.equal(trace.made.size, 0, "everything the run made is gone");
      const undone = trace.log.filter((l) => l.startsWith("undo:"));
      const at = (id: string) => undone.indexOf(`undo:${id}`);
      assert.ok(at("vm") < at("subnet") && at("subnet") < at("net") && at("gw") < at("net"));
      assert.equal(first.report.counts.deleted, 4);

      const second = await executor.teardown(run.id);
      assert.equal(second.run.id, first.run.id);
      assert.equal(trace.log.filter((l) => l.startsWith("undo:")).length, 4, "no undo again");
      const parentEvents = (await listStepEvents(store, run.id)).map((e) => e.type);
      assert.ok(parentEvents.includes("run.teardown-started"));
      assert.ok(parentEvents.includes("run.teardown-finished"));
      const calls = [...trace.calls.values()].reduce((a, b) => a + b, 0);
      assert.equal((await executor.resume(run.id)).run.phase, "succeeded");
      assert.equal(
        [...trace.calls.values()].reduce((a, b) => a + b, 0),
        calls,
        "nothing reran",
      );
    });

    test("teardown refuses a run in progress and undoes a failed run's attempted steps", async () => {
      const { store } = await target.fresh();
      const trace = newTrace();
      const handler = recordingHandler(trace, {
        during: async (id) => {
          if (id === "b") throw new LifeboatError("LB_PROVIDER_REQUEST_FAILED", "no");
        },
      });
      const executor = new Executor({ store, handlers: handlers(handler) });
      const pending = await executor.createRun({
        environment: "shop",
        mode: "drill",
        plan: plan([step("x")]),
      });
      await rejectsWith(executor.teardown(pending.id), "LB_RUN_ACTIVE");
      const { run } = await executor.recover({
        environment: "shop",
        mode: "drill",
        plan: plan([step("a"), step("b", ["a"]), step("c", ["b"])]),
      });
      assert.equal(run.phase, "failed");
      const torn = await executor.teardown(run.id);
      assert.deepEqual(
        torn.report.steps.map((s) => s.stepId),
        ["undo:a", "undo:b"],
        "only steps that started are undone; c never ran",
      );
      assert.equal(trace.made.size, 0, "b's partial creation is found by its key and removed");
      await rejectsWith(executor.resume(run.id), "LB_RUN_ACTIVE");
    });

    test("a failed teardown is resumed by the next teardown, which finishes the job", async () => {
      const { store } = await target.fresh();
      const trace = newTrace();
      const base = recordingHandler(trace);
      let refuse = true;
      const handler = {
        execute: base.execute.bind(base),
        undo: async (...args: Parameters<NonNullable<typeof base.undo>>) => {
          if (args[0].id === "b" && refuse) {
            throw new LifeboatError("LB_PROVIDER_REQUEST_FAILED", "dependency violation");
          }
          return await base.undo!(...args);
        },
      };
      const executor = new Executor({ store, handlers: handlers(handler) });
      const { run } = await executor.recover({
        environment: "shop",
        mode: "drill",
        plan: plan([step("a"), step("b", ["a"]), step("c", ["b"])]),
      });
      const first = await executor.teardown(run.id);
      assert.equal(first.run.phase, "failed");
      assert.equal(first.run.error?.code, "LB_PROVIDER_REQUEST_FAILED");
      const phases = Object.fromEntries(first.report.steps.map((s) => [s.stepId, s.phase]));
      assert.deepEqual(phases, { "undo:a": "skipped", "undo:b": "failed", "undo:c": "succeeded" });
      refuse = false;
      const second = await executor.teardown(run.id);
      assert.equal(second.run.id, first.run.id);
      assert.equal(second.run.phase, "succeeded");
      assert.equal(trace.made.size, 0);
      assert.equal(trace.undos.get("c"), 1, "a completed undo is not repeated");
    });

    test("two executors competing for one run: only one executes it", async () => {
      const { store, url } = await target.fresh();
      const other = await target.peer(url, store);
      const trace = newTrace();
      const inside = deferred();
      const gate = deferred();
      const handler = recordingHandler(trace, {
        during: async (id) => {
          if (id !== "a") return;
          inside.resolve();
          await gate.promise;
        },
      });
      const one = new Executor({ store, handlers: handlers(handler), owner: "one" });
      const two = new Executor({ store: other, handlers: handlers(handler), owner: "two" });
      const run = await one.createRun({
        environment: "shop",
        mode: "drill",
        plan: plan([step("a"), step("b", ["a"]), step("c")]),
      });
      const first = one.execute(run.id);
      await inside.promise;
      await rejectsWith(two.execute(run.id), "LB_RUN_LOCKED");
      gate.resolve();
      assert.equal((await first).run.phase, "succeeded");
      assert.deepEqual([...trace.calls.values()], [1, 1, 1]);
    });

    test("an expired lease is taken over: in-flight steps run again and adopt", async () => {
      let offset = 0;
      const now = () => new Date(Date.now() + offset);
      const { store } = await target.fresh({ now });
      const trace = newTrace();
      const executor = new Executor({ store, handlers: handlers(recordingHandler(trace)) });
      const run = await executor.createRun({
        environment: "shop",
        mode: "drill",
        plan: plan([step("a"), step("b", ["a"])]),
      });
      // A process that died mid-step: it held the lease, journaled `a` running, and had
      // already made a's resource.
      assert.ok(await acquireRunLease(store, run.id, "dead", 10_000));
      const a = await getStep(store, run.id, "a");
      assert.ok(a);
      await updateStep(store, run.id, "a", a.revision, { phase: "running", attempts: 1 });
      await updateRun(store, run.id, run.revision, { phase: "running", startedAt: now() });
      trace.made.set(a.idempotencyKey, "res-made-before-crash");
      await rejectsWith(executor.execute(run.id), "LB_RUN_LOCKED");

      offset += 10_001;
      const resumed = await executor.resumeOrphans();
      assert.deepEqual(
        resumed.map((o) => o.run.id),
        [run.id],
      );
      const { run: done, report } = resumed[0]!;
      assert.equal(done.phase, "succeeded");
      const stepA = report.steps.find((s) => s.stepId === "a");
      assert.equal(stepA?.resolution, "adopted");
      assert.equal(stepA?.attempts, 2);
      assert.equal((await getStep(store, run.id, "a"))?.outputs?.id, "res-made-before-crash");
      const types = (await listStepEvents(store, run.id)).map((e) => e.type);
      assert.ok(types.includes("step.interrupted") && types.includes("run.resumed"));
    });

    test("an executor that lost its lease stops writing (fenced) and leaves the run resumable", async () => {
      let offset = 0;
      const now = () => new Date(Date.now() + offset);
      const { store } = await target.fresh({ now });
      const inside = deferred();
      const gate = deferred();
      const trace = newTrace();
      const handler = recordingHandler(trace, {
        during: async (id) => {
          if (id !== "a") return;
          inside.resolve();
          await gate.promise;
        },
      });
      const executor = new Executor({ store, handlers: handlers(handler), leaseTtlMs: 60_000 });
      const run = await executor.createRun({
        environment: "shop",
        mode: "drill",
        plan: plan([step("a"), step("b", ["a"])]),
      });
      const first = executor.execute(run.id);
      await inside.promise;
      offset += 60_001;
      assert.ok(await acquireRunLease(store, run.id, "thief", 60_000));
      gate.resolve();
      await rejectsWith(first, "LB_RUN_LOCKED");
      const stored = await getRun(store, run.id);
      assert.equal(stored?.phase, "running");
      assert.equal(stored?.leaseOwner, "thief");
      assert.equal(
        (await getStep(store, run.id, "a"))?.phase,
        "running",
        "a's success not written",
      );
      assert.equal(trace.calls.has("b"), false);
    });

    test("resuming a failed run retries what failed and never reruns what succeeded", async () => {
      const { store } = await target.fresh();
      const trace = newTrace();
      let broken = true;
      const handler = recordingHandler(trace, {
        during: async (id) => {
          if (id === "b" && broken) throw new LifeboatError("LB_PROVIDER_REQUEST_FAILED", "no");
        },
      });
      const executor = new Executor({ store, handlers: handlers(handler) });
      const { run } = await executor.recover({
        environment: "shop",
        mode: "drill",
        plan: plan([step("a"), step("b", ["a"]), step("c", ["b"])]),
      });
      assert.equal(run.phase, "failed");
      broken = false;
      const { run: done, report } = await executor.resume(run.id);
      assert.equal(done.phase, "succeeded");
      assert.equal(done.error, null);
      assert.deepEqual(Object.fromEntries(trace.calls), { a: 1, b: 2, c: 1 });
      assert.equal(report.steps.find((s) => s.stepId === "b")?.resolution, "adopted");
    });

    test("followRunEvents streams the journal in order and ends with the run", async () => {
      const { store, url } = await target.fresh();
      const reader = await target.open(url);
      const executor = new Executor({ store, handlers: handlers(recordingHandler(newTrace())) });
      const run = await executor.createRun({
        environment: "shop",
        mode: "drill",
        plan: plan([step("a"), step("b", ["a"])]),
      });
      const seen: string[] = [];
      const seqs: number[] = [];
      const following = (async () => {
        for await (const event of followRunEvents(reader, run.id, { pollMs: 5 })) {
          seen.push(`${event.type}${event.stepId ? `:${event.stepId}` : ""}`);
          seqs.push(event.seq);
        }
      })();
      await executor.execute(run.id);
      await following;
      assert.deepEqual(seen, [
        "run.created",
        "run.started",
        "step.started:a",
        "step.succeeded:a",
        "step.started:b",
        "step.succeeded:b",
        "run.finished",
      ]);
      assert.deepEqual(
        seqs,
        seqs.map((_, i) => i + 1),
      );
      const tail = [];
      for await (const event of followRunEvents(reader, run.id, { afterSeq: 5 })) tail.push(event);
      assert.deepEqual(
        tail.map((e) => e.seq),
        [6, 7],
      );
    });
  });
}

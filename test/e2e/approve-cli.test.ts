// `lifeboat approve` end to end: a run waits at an approval step in this process (a real
// executor on the SQLite store the config names); the built CLI, another process, decides it.
import { strict as assert } from "node:assert";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { approvalStepHandler } from "../../src/execute/approval-step.js";
import { waitingApprovals } from "../../src/execute/decide-approval.js";
import { Executor, type RunOutcome } from "../../src/execute/executor.js";
import { createEnvironment } from "../../src/store/environments-repo.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import { newTrace, recordingHandler } from "../integration/execute-fixture.js";
import { expectError, expectJson } from "./capture-fixture.js";
import { makeTempDir, runLifeboat } from "./cli.js";
import { ConfigBuilder } from "./config-builder.js";

let dir: { path: string; remove: () => void };
let store: Store;

before(async () => {
  dir = makeTempDir("lifeboat-approve-");
  ConfigBuilder.shop().writeTo(dir.path);
  mkdirSync(join(dir.path, ".lifeboat"));
  store = await openStore(`sqlite:${join(dir.path, ".lifeboat/state.db")}`);
  await createEnvironment(store, { name: "shop", configDigest: "d" });
});

after(async () => {
  await store?.close();
  dir?.remove();
});

const cli = (args: string[]) => runLifeboat(args, { cwd: dir.path });

/** Starts a run `gate → move` that waits at `gate` (real clock, 50 ms polls). */
async function gatedRun(): Promise<{ id: string; done: Promise<RunOutcome>; moved: () => number }> {
  const trace = newTrace();
  const executor = new Executor({
    store,
    handlers: {
      make: recordingHandler(trace),
      approval: approvalStepHandler(store, { pollMs: 50 }),
    },
  });
  const run = await executor.createRun({
    environment: "shop",
    mode: "failover",
    plan: {
      steps: [
        {
          id: "gate",
          kind: "approval",
          dependsOn: [],
          idempotencyKey: "g",
          input: { timeoutSeconds: 600 },
        },
        { id: "move", kind: "make", dependsOn: ["gate"], idempotencyKey: "m", input: {} },
      ],
    },
  });
  const done = executor.execute(run.id);
  for (let i = 0; (await waitingApprovals(store, run.id)).length === 0; i++) {
    assert.ok(i < 1000, "the run never started waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
  return { id: run.id, done, moved: () => trace.calls.get("move") ?? 0 };
}

test("approve decides the one waiting step; the run carries on", async () => {
  const run = await gatedRun();
  const approved = expectJson<Record<string, unknown>>(
    await cli(["approve", run.id, "--by", "alice", "--comment", "primary is gone", "--json"]),
  );
  assert.deepEqual(
    { ...approved, at: typeof approved.at },
    {
      ok: true,
      runId: run.id,
      stepId: "gate",
      decision: "approved",
      by: "alice",
      comment: "primary is gone",
      at: "string",
    },
  );
  assert.equal((await run.done).run.phase, "succeeded");
  assert.equal(run.moved(), 1);
  const late = expectError(await cli(["approve", run.id, "--reject", "--json"]), 3);
  assert.equal(late.code, "LB_APPROVAL_NOT_WAITING");
});

test("approve --reject fails the run without running what follows", async () => {
  const run = await gatedRun();
  const rejected = await cli(["approve", run.id, "--step", "gate", "--reject", "--by", "bob"]);
  assert.equal(rejected.code, 0, rejected.stderr);
  assert.match(rejected.stdout, /rejected by bob/);
  const outcome = await run.done;
  assert.equal(outcome.run.phase, "failed");
  assert.equal(outcome.run.error?.code, "LB_APPROVAL_REJECTED");
  assert.equal(run.moved(), 0);
});

test("approve of an unknown run or step: not found, exit 3", async () => {
  assert.equal(
    expectError(await cli(["approve", "no-such-run", "--json"]), 3).code,
    "LB_RUN_NOT_FOUND",
  );
  const run = await gatedRun();
  const unknown = expectError(await cli(["approve", run.id, "--step", "nope", "--json"]), 3);
  assert.equal(unknown.code, "LB_STEP_NOT_FOUND");
  expectJson(await cli(["approve", run.id, "--json"]));
  await run.done;
});

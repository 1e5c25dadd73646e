/**
 * A workflow `approval` step, as an operator meets it: the run waits; `lifeboat approve <run>
 * --step <id> --by <name>` lets it continue and the approver is recorded in the step's outputs
 * (the same approvals records as failover approvals); a timeout fails the step with
 * LB_APPROVAL_TIMEOUT and the pair around it is still undone; while it waits, `remind` POSTs
 * to a webhook; `lifeboat cancel <run>` from another process stops the waiting run and undoes
 * the pair.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, test } from "node:test";
import { openStore } from "../../src/store/open-store.js";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { ConfigBuilder } from "./config-builder.js";
import { cliPath, jsonOf, makeTempDir, runLifeboat } from "./cli.js";

const temp = makeTempDir();
after(temp.remove);

const say = (word: string) => ({ command: `echo ${word} >> log` });
function project(name: string, timeout: string, gate: Record<string, unknown> = {}): string {
  const dir = join(temp.path, name);
  mkdirSync(dir);
  ConfigBuilder.shop()
    .set("workflows", {
      gated: {
        steps: [
          { id: "drain", action: "exec", with: say("drain"), undo: "undrain" },
          { id: "gate", action: "approval", with: { timeout, message: "move DNS?", ...gate } },
          { id: "move", action: "exec", with: say("move") },
          { id: "undrain", action: "exec", with: say("undrain") },
        ],
      },
    })
    .writeTo(dir);
  return dir;
}

/** Whether the run's journal shows step `gate` waiting for a decision. */
async function waiting(dir: string, runId: string): Promise<boolean> {
  const store = await openStore(`sqlite:${join(dir, ".lifeboat/state.db")}`);
  try {
    const events = await listStepEvents(store, runId);
    return events.some((e) => e.type === "approval.waiting" && e.stepId === "gate");
  } finally {
    await store.close();
  }
}

/** Starts `workflow run gated --json` and resolves once its gate waits for a decision. */
async function startWaiting(dir: string) {
  const child = spawn(process.execPath, [cliPath, "workflow", "run", "gated", "--json"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number>((resolve) =>
    child.once("close", (code) => resolve(code ?? 1)),
  );
  const deadline = Date.now() + 60_000;
  let runId: string;
  for (;;) {
    runId = /run ([0-9a-f-]{36}) \(workflow/.exec(stderr)?.[1] ?? "";
    if (runId && (await waiting(dir, runId))) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`never waited:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100)); // polling the child's journal
  }
  return { runId, exited, stdout: () => stdout, stderr: () => stderr };
}

test("an approval step waits; approve continues it and the approver is recorded", async () => {
  const dir = project("approve", "10m");
  const { runId, exited, stdout: out, stderr: err } = await startWaiting(dir);
  assert.equal(readFileSync(join(dir, "log"), "utf8"), "drain\n", "nothing after the gate ran");
  const approve = await runLifeboat(
    ["approve", runId, "--step", "gate", "--by", "alice", "--comment", "go", "--json"],
    { cwd: dir },
  );
  assert.equal(approve.code, 0, approve.stdout + approve.stderr);
  assert.equal(await exited, 0, err());
  const { report } = JSON.parse(out()) as {
    report: { phase: string; steps: { id: string; outputs: Record<string, unknown> | null }[] };
  };
  assert.equal(report.phase, "succeeded");
  const gate = report.steps.find((s) => s.id === "gate");
  assert.equal(gate?.outputs?.approvedBy, "alice");
  assert.equal(gate?.outputs?.comment, "go");
  assert.equal(readFileSync(join(dir, "log"), "utf8"), "drain\nmove\nundrain\n");
});

test("an approval nobody gives times out with LB_APPROVAL_TIMEOUT; the pair is undone", async () => {
  const dir = project("timeout", "1s");
  const run = await runLifeboat(["workflow", "run", "gated", "--json"], {
    cwd: dir,
    timeoutMs: 60_000,
  });
  assert.equal(run.code, 1, run.stderr);
  const { report } = jsonOf<{ report: { error: { code: string }; undoneOutOfOrder: unknown[] } }>(
    run,
  );
  assert.equal(report.error.code, "LB_APPROVAL_TIMEOUT");
  assert.deepEqual(report.undoneOutOfOrder, [{ step: "undrain", role: "undo" }]);
});

test("while it waits, remind POSTs to the webhook; each reminder is journaled", async () => {
  const bodies: Record<string, unknown>[] = [];
  const hook = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      bodies.push({
        ...(JSON.parse(body) as object),
        method: req.method,
        type: req.headers["content-type"],
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/remind`;
  try {
    const dir = project("remind", "10m", { remind: { url, every: "200ms" } });
    const { runId, exited, stderr } = await startWaiting(dir);
    const deadline = Date.now() + 60_000;
    while (bodies.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50)); // until two reminders arrived
    }
    const approve = await runLifeboat(["approve", runId, "--step", "gate", "--by", "bob"], {
      cwd: dir,
    });
    assert.equal(approve.code, 0, approve.stdout + approve.stderr);
    assert.equal(await exited, 0, stderr());
    assert.ok(bodies.length >= 2, `reminders: ${bodies.length}`);
    for (const body of bodies) {
      assert.equal(body.method, "POST");
      assert.equal(body.type, "application/json");
      assert.equal(body.runId, runId);
      assert.equal(body.stepId, "gate");
      assert.equal(body.message, "move DNS?");
    }
    const since = bodies.map((b) => b.waitingSinceMs as number);
    assert.ok(since[0] !== undefined && since[0] >= 200, `first reminder after ${since[0]} ms`);
    assert.ok((since[1] ?? 0) > (since[0] ?? 0), "waitingSinceMs grows");
    const store = await openStore(`sqlite:${join(dir, ".lifeboat/state.db")}`);
    try {
      const reminded = (await listStepEvents(store, runId)).filter(
        (e) => e.type === "plugin.approval.reminded",
      );
      // Every POST that was answered is journaled (one may be cut off by the approval).
      assert.ok(reminded.length >= 2 && reminded.length <= bodies.length);
      assert.deepEqual(reminded[0]?.data, { status: 204 });
    } finally {
      await store.close();
    }
  } finally {
    hook.close();
  }
});

test("lifeboat cancel from another process stops a waiting run; the pair is undone", async () => {
  const dir = project("cancel", "10m");
  const { runId, exited, stdout } = await startWaiting(dir);
  const cancel = await runLifeboat(["cancel", runId, "--json"], { cwd: dir });
  assert.equal(cancel.code, 0, cancel.stdout + cancel.stderr);
  assert.equal(jsonOf<{ phase: string }>(cancel).phase, "cancelling");
  const code = await exited;
  const { report } = JSON.parse(stdout()) as {
    report: { phase: string; steps: { id: string; phase: string }[] };
  };
  assert.notEqual(code, 0);
  assert.equal(report.phase, "cancelled");
  const phases = Object.fromEntries(report.steps.map((s) => [s.id, s.phase]));
  assert.deepEqual(phases, {
    drain: "succeeded",
    gate: "cancelled",
    move: "skipped",
    undrain: "succeeded",
  });
  assert.equal(readFileSync(join(dir, "log"), "utf8"), "drain\nundrain\n");
});

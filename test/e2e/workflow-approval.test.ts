/**
 * A workflow `approval` step, as an operator meets it: the run waits; `lifeboat approve <run>
 * --step <id> --by <name>` lets it continue and the approver is recorded in the step's outputs
 * (the same approvals records as failover approvals); a timeout fails the step with
 * LB_APPROVAL_TIMEOUT and the pair around it is still undone.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { openStore } from "../../src/store/open-store.js";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { ConfigBuilder } from "./config-builder.js";
import { cliPath, jsonOf, makeTempDir, runLifeboat } from "./cli.js";

const temp = makeTempDir();
after(temp.remove);

const say = (word: string) => ({ command: `echo ${word} >> log` });
function project(name: string, timeout: string): string {
  const dir = join(temp.path, name);
  mkdirSync(dir);
  ConfigBuilder.shop()
    .set("workflows", {
      gated: {
        steps: [
          { id: "drain", action: "exec", with: say("drain"), undo: "undrain" },
          { id: "gate", action: "approval", with: { timeout, message: "move DNS?" } },
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

test("an approval step waits; approve continues it and the approver is recorded", async () => {
  const dir = project("approve", "10m");
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
    if (Date.now() > deadline) throw new Error(`never waited:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100)); // polling the child's journal
  }
  assert.equal(readFileSync(join(dir, "log"), "utf8"), "drain\n", "nothing after the gate ran");
  const approve = await runLifeboat(
    ["approve", runId, "--step", "gate", "--by", "alice", "--comment", "go", "--json"],
    { cwd: dir },
  );
  assert.equal(approve.code, 0, approve.stdout + approve.stderr);
  assert.equal(await exited, 0, stderr);
  const { report } = JSON.parse(stdout) as {
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

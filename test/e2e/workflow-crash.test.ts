/**
 * kill -9 between pg-quiesce and pg-unquiesce, against a real PostgreSQL: the held session dies
 * with the process, so the concurrent writer flows again at once; `lifeboat resume` then undoes
 * the dangling quiesce first (journaled as a resume-undo), runs the round again and succeeds.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { openStore } from "../../src/store/open-store.js";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { listSteps } from "../../src/store/steps-repo.js";
import { testPostgresDatabase } from "../harness/postgres.js";
import { createOrders, startWriter } from "../fixtures/pg-writer.js";
import { ConfigBuilder } from "./config-builder.js";
import { cliPath, jsonOf, makeTempDir, runLifeboat } from "./cli.js";

const temp = makeTempDir();
let appUrl = "";
let release: () => Promise<void> = async () => undefined;
let admin: pg.Client;

before(async () => {
  const database = await testPostgresDatabase("wfcrash");
  appUrl = database.url;
  release = database.release;
  await createOrders(appUrl);
  admin = new pg.Client({ connectionString: appUrl });
  await admin.connect();
});
after(async () => {
  await admin.end();
  await release();
  temp.remove();
});

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25)); // polling another process
  }
}

test("kill -9 while quiesced: writes flow again, and resume undoes the dangling quiesce first", async () => {
  const dir = temp.path;
  const db = { database: { urlEnv: "APP_DB", tables: ["orders"] } };
  ConfigBuilder.shop()
    .set("workflows", {
      consistent: {
        steps: [
          { id: "quiesce-db", action: "pg-quiesce", target: db, undo: "unquiesce-db" },
          // Holds the window open until the test says go (it kills the process meanwhile).
          {
            id: "hold",
            action: "exec",
            with: { command: "while [ ! -f go ]; do sleep 0.1; done" },
          },
          { id: "unquiesce-db", action: "pg-unquiesce", target: db },
        ],
      },
    })
    .writeTo(dir);
  const env = { APP_DB: appUrl };
  const writer = await startWriter(appUrl);
  try {
    await writer.more(5);
    const child = spawn(process.execPath, [cliPath, "workflow", "run", "consistent", "--json"], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    await until("the writer held back by the quiesce", () => writer.blocked(admin));
    const runId = /run ([0-9a-f-]{36}) \(workflow/.exec(stderr)?.[1] ?? "";
    assert.ok(runId, stderr);
    const watch = await openStore(`sqlite:${join(dir, ".lifeboat/state.db")}`);
    try {
      await until("the hold step in flight", async () =>
        (await listSteps(watch, runId)).some((s) => s.stepId === "hold" && s.phase === "running"),
      );
    } finally {
      await watch.close();
    }

    child.kill("SIGKILL");
    await exited;
    // The lock lived in the dead process's session: the writer flows again without any help.
    await writer.more(10, 20_000);
    assert.equal(await writer.blocked(admin), false);

    const store = await openStore(`sqlite:${join(dir, ".lifeboat/state.db")}`);
    try {
      const before = Object.fromEntries(
        (await listSteps(store, runId)).map((s) => [s.stepId, s.phase]),
      );
      assert.deepEqual(before, {
        "quiesce-db": "succeeded",
        hold: "running",
        "unquiesce-db": "pending",
      });

      writeFileSync(join(dir, "go"), "");
      const resumed = await runLifeboat(["resume", runId, "--json"], {
        cwd: dir,
        env,
        timeoutMs: 120_000,
      });
      assert.equal(resumed.code, 0, resumed.stderr);
      const { report } = jsonOf<{
        report: {
          phase: string;
          undoneOutOfOrder: { step: string; role: string }[];
          steps: { id: string; outputs: unknown }[];
        };
      }>(resumed);
      assert.equal(report.phase, "succeeded");
      assert.deepEqual(report.undoneOutOfOrder, [{ step: "unquiesce-db", role: "resume-undo" }]);

      // In the journal, the first thing resume did was to start the dangling pair's undo half.
      const events = await listStepEvents(store, runId);
      const resumedAt = events.findLastIndex((e) => e.type === "workflow.started");
      const firstStep = events.slice(resumedAt).find((e) => e.type === "step.started");
      assert.equal(firstStep?.stepId, "unquiesce-db");
      assert.equal(firstStep?.data.role, "resume-undo");
      const undone = events.slice(resumedAt).find((e) => e.type === "step.succeeded");
      assert.equal(undone?.stepId, "unquiesce-db");
      await writer.more(10, 20_000);
    } finally {
      await store.close();
    }
  } finally {
    await writer.stop();
  }
});

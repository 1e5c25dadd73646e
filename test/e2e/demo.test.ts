// `lifeboat demo` end to end, as the README runs it: its own moto, the shop, capture, a
// protected sample volume, a drill into us-west-2 and the report; then clean-up.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { DemoReport } from "../../src/demo/demo-report.js";
import { demoEvents, startServingDemo, type ServingDemo } from "../harness/demo-process.js";
import { cliPath, jsonOf, makeTempDir, runLifeboat, type CliRun } from "./cli.js";

const timeoutMs = 300_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** moto may take a moment to go after SIGTERM; the demo waits for it, so this is immediate. */
function assertCleanedUp(report: DemoReport): void {
  assert.ok(report.motoPid !== null && !alive(report.motoPid), "moto_server still running");
}

test("demo --no-serve --json: drill and failover verified, DNS moved, RTO and RPO measured, cleaned up", async (t) => {
  const cwd = makeTempDir();
  try {
    const run = await runLifeboat(["demo", "--no-serve", "--json"], { cwd: cwd.path, timeoutMs });
    assert.equal(run.code, 0, run.stderr);
    const r = jsonOf<DemoReport>(run);
    t.diagnostic(
      `demo: ${r.wallMs} ms; ` + r.stages.map((s) => `${s.stage} ${s.durationMs} ms`).join(", "),
    );
    assert.equal(r.ok, true);
    assert.equal(r.environment.resources, 29);
    assert.equal(r.capture.version, 1);
    assert.equal(r.capture.resources, 29);
    assert.equal(r.drill.mode, "drill");
    assert.equal(r.drill.phase, "succeeded");
    assert.ok(r.drill.created >= 20, `created ${r.drill.created}`);
    assert.equal(r.drill.verification?.result, "equivalent");
    assert.deepEqual(r.drill.verification?.differences, []);
    assert.ok((r.drill.wallMs ?? 0) > 0, "RTO measured");
    assert.ok((r.drill.recoveryPoint?.ageMs ?? -1) >= 0, "RPO measured");
    assert.equal(r.drill.teardown?.phase, "succeeded");
    assert.ok(!r.drill.steps.some((s) => s.stepId.startsWith("dns:")), "drills never move DNS");
    // The failover: rebuilt, verified, and the shop's record moved to the rebuilt load balancer.
    const f = r.failover;
    assert.equal(f.report.mode, "failover");
    assert.equal(f.report.phase, "succeeded");
    assert.equal(f.report.verification?.result, "equivalent");
    assert.ok((f.report.wallMs ?? 0) > 0, "failover RTO measured");
    assert.match(f.record.before?.target ?? "", /us-east-1/);
    assert.match(f.record.after?.target ?? "", /us-west-2/);
    assert.equal(f.record.moved, true);
    // The sample volume: a full point, an incremental reading only what changed, a true restore.
    const [full, incremental] = r.protection.points;
    assert.equal(full?.bytesRead, r.protection.size);
    assert.ok((incremental?.bytesRead ?? Infinity) < r.protection.size / 4);
    assert.equal(r.protection.restoreVerified, true);
    // Progress: every stage that ran started and succeeded, in order, with step progress.
    const events = demoEvents(run.stderr);
    const ran = ["moto", "build", "config", "capture", "protect", "drill", "failover"];
    for (const stage of ran) {
      const statuses = events.filter((e) => e.type === "stage" && e.stage === stage);
      assert.deepEqual(
        statuses.map((e) => (e.type === "stage" ? e.status : "")),
        ["started", "succeeded"],
        stage,
      );
    }
    assert.ok(events.some((e) => e.type === "progress" && e.stage === "drill"));
    assert.equal(r.stages.filter((s) => s.status === "succeeded").length, ran.length);
    // Clean-up: the temporary folder is gone and so is moto.
    assert.equal(r.kept, false);
    assert.ok(!existsSync(r.dir), `${r.dir} still exists`);
    assertCleanedUp(r);
    assert.deepEqual(readdirSync(cwd.path), [], "the demo writes nothing into the working folder");
  } finally {
    cwd.remove();
  }
});

test("demo serves the dashboard until Ctrl-C; --dir keeps the folder, whose config works after", async () => {
  const dir = makeTempDir();
  const folder = join(dir.path, "demo");
  let demo: ServingDemo | undefined;
  try {
    demo = await startServingDemo(folder, dir.path);
    const { report: r, dashboard } = demo;
    assert.equal(r.ok, true);
    // Serving: the demo's moto still answers, and the API and dashboard of `lifeboat serve`.
    assert.ok((await fetch(`${r.endpoint}/moto-api/`)).ok);
    const page = await fetch(`${dashboard.url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    const api = `${dashboard.url}/api/v1/environments`;
    assert.equal((await fetch(api)).status, 401);
    const listed = await fetch(api, { headers: { authorization: `Bearer ${dashboard.token}` } });
    const body = (await listed.json()) as { environments: { name: string }[] };
    assert.deepEqual(
      body.environments.map((e) => e.name),
      [r.environment.name],
    );
    assert.equal(await demo.stop(), 0, demo.stderr());
    const last = demoEvents(demo.stderr()).at(-1);
    assert.deepEqual(last?.type === "stage" ? [last.stage, last.status] : [], [
      "serve",
      "succeeded",
    ]);
    assertCleanedUp(r);
    assert.equal(r.kept, true);
    assert.ok(existsSync(join(folder, "lifeboat.yaml")));
    // The kept state and repository stay readable without the cloud.
    const history: CliRun = await runLifeboat(
      ["history", r.environment.name, "--config", join(folder, "lifeboat.yaml"), "--json"],
      { cwd: dir.path },
    );
    const versions = jsonOf<{ versions: { version: number }[] }>(history).versions;
    assert.deepEqual(
      versions.map((v) => v.version),
      [1],
    );
  } finally {
    // A failed assertion must not leave the demo (and its moto) serving.
    await demo?.stop();
    dir.remove();
  }
});

test("demo refuses a non-empty --dir and a missing moto_server, with codes and remedies", async () => {
  const dir = makeTempDir();
  try {
    writeFileSync(join(dir.path, "notes.txt"), "mine\n");
    const busy = await runLifeboat(["demo", "--no-serve", "--json", "--dir", dir.path], {
      cwd: dir.path,
    });
    assert.equal(busy.code, 5, busy.stderr);
    assert.equal(jsonOf<{ error: { code: string } }>(busy).error.code, "LB_DEMO_DIR_NOT_EMPTY");
    assert.deepEqual(readdirSync(dir.path), ["notes.txt"]);

    const missing = await runLifeboat(["demo", "--no-serve"], {
      cwd: dir.path,
      env: { LIFEBOAT_MOTO_SERVER: join(dir.path, "no-such-moto_server") },
    });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /error LB_MOTO_NOT_FOUND/);
    assert.match(missing.stderr, /remedy: Run `bash scripts\/setup\.sh`/);
  } finally {
    dir.remove();
  }
});

test("Ctrl-C during a stage stops moto, removes the folder, ends with LB_CANCELLED", async () => {
  const cwd = makeTempDir();
  // A private TMPDIR: the demo's temporary folder goes there, so the test sees it go.
  const tmp = join(cwd.path, "tmp");
  mkdirSync(tmp);
  const child = spawn(process.execPath, [cliPath, "demo", "--no-serve", "--json"], {
    cwd: cwd.path,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", LIFEBOAT_DEMO_ENDPOINT: "", TMPDIR: tmp },
  });
  try {
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    const building = new Promise<number>((resolve) =>
      child.stderr.setEncoding("utf8").on("data", (c: string) => {
        stderr += c;
        const events = demoEvents(stderr);
        const moto = events.find(
          (e) => e.type === "stage" && e.stage === "moto" && e.status === "succeeded",
        );
        const build = events.some((e) => e.type === "stage" && e.stage === "build");
        const pid = /\(pid (\d+)\)/.exec(moto?.type === "stage" ? moto.summary : "")?.[1];
        if (build && pid) resolve(Number(pid));
      }),
    );
    const exited = new Promise<number>((resolve) =>
      child.on("close", (code) => resolve(code ?? 1)),
    );
    const motoPid = await building;
    assert.ok(alive(motoPid));
    child.kill("SIGINT");
    assert.equal(await exited, 1, stderr);
    assert.equal(
      jsonOf<{ error: { code: string } }>({ code: 1, stdout, stderr }).error.code,
      "LB_CANCELLED",
    );
    assert.ok(!alive(motoPid), "moto_server still running");
    const left = readdirSync(tmp).filter((name) => name.startsWith("lifeboat-demo-"));
    assert.deepEqual(left, [], "the demo folder is removed");
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    cwd.remove();
  }
});

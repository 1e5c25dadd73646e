/**
 * `lifeboat workflow run|validate` as a user runs them: an external plug-in loaded from a file
 * path runs; one declaring another apiVersion is refused with a clear message; a step no
 * plug-in applies to is refused before anything runs; a failing step reports its code.
 */
import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { ConfigBuilder } from "./config-builder.js";
import { jsonOf, makeTempDir, runLifeboat } from "./cli.js";

const temp = makeTempDir();
after(temp.remove);

/** A plug-in module as a third party would write it: plain JavaScript, no Lifeboat import. */
const pluginSource = (apiVersion: number) => `
import { writeFileSync } from "node:fs";
export default {
  name: "acme.action.touch",
  apiVersion: ${apiVersion},
  action: "touch",
  configSchema: {
    safeParse: (v) => typeof v?.file === "string"
      ? { success: true, data: v }
      : { success: false, error: { issues: [{ path: ["file"], message: "file is required" }] } },
  },
  appliesTo: (target) => target.kind === "local",
  async execute(ctx) {
    writeFileSync(ctx.params.file, ctx.idempotencyKey);
    return { wrote: ctx.params.file };
  },
};
`;

let n = 0;
function project(apiVersion: number, steps: unknown[]): string {
  const dir = join(temp.path, `p${++n}`);
  mkdirSync(join(dir, "plugins"), { recursive: true });
  writeFileSync(join(dir, "plugins", "touch.mjs"), pluginSource(apiVersion));
  ConfigBuilder.shop()
    .set("plugins", [{ path: "plugins/touch.mjs" }])
    .set("workflows", { nightly: { steps } })
    .writeTo(dir);
  return dir;
}

test("an external plug-in loaded from a file path runs in a workflow", async () => {
  const dir = project(1, [{ id: "mark", action: "touch", with: { file: "marker.txt" } }]);
  const validate = await runLifeboat(["workflow", "validate", "--json"], { cwd: dir });
  assert.equal(validate.code, 0, validate.stderr);
  const plugins = jsonOf<{ plugins: { name: string }[] }>(validate).plugins.map((p) => p.name);
  assert.ok(plugins.includes("acme.action.touch"));

  const run = await runLifeboat(["workflow", "run", "nightly", "--json"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  const { ok, report } = jsonOf<{
    ok: boolean;
    report: { runId: string; steps: { phase: string; plugin: string }[] };
  }>(run);
  assert.equal(ok, true);
  assert.deepEqual(
    report.steps.map((s) => [s.plugin, s.phase]),
    [["acme.action.touch", "succeeded"]],
  );
  assert.equal(readFileSync(join(dir, "marker.txt"), "utf8"), `${report.runId}/mark`);
  // Progress per step on stderr, as NDJSON with --json.
  const progress = run.stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));
  assert.ok(progress.some((e) => e.event === "step.succeeded" && e.stepId === "mark"));
});

test("a plug-in with the wrong apiVersion is refused with a clear message", async () => {
  const dir = project(7, [{ id: "mark", action: "touch", with: { file: "marker.txt" } }]);
  const run = await runLifeboat(["workflow", "run", "nightly", "--json"], { cwd: dir });
  assert.equal(run.code, 2);
  const { error } = jsonOf<{ error: { code: string; message: string } }>(run);
  assert.equal(error.code, "LB_PLUGIN_INCOMPATIBLE");
  assert.match(error.message, /acme\.action\.touch .*apiVersion 7.*supports apiVersion 1/);
  assert.equal(existsSync(join(dir, "marker.txt")), false);
});

test("a step no plug-in applies to is refused before anything runs, naming step and target", async () => {
  const dir = project(1, [
    { id: "mark", action: "touch", with: { file: "marker.txt" } },
    {
      id: "flush",
      action: "touch",
      with: { file: "x" },
      target: { volume: { path: "/srv/data.img" } },
    },
  ]);
  for (const args of [
    ["workflow", "validate"],
    ["workflow", "run", "nightly"],
  ]) {
    const run = await runLifeboat([...args, "--json"], { cwd: dir });
    assert.equal(run.code, 2, run.stdout);
    const { error } = jsonOf<{ error: { code: string; details: { problems: unknown[] } } }>(run);
    assert.equal(error.code, "LB_WORKFLOW_INVALID");
    assert.deepEqual(
      error.details.problems.map((p) => (p as { step: string; target: string }).target),
      ["volume /srv/data.img"],
    );
  }
  assert.equal(existsSync(join(dir, "marker.txt")), false, "nothing ran");
});

test("a failing step ends the run failed with the step's code (exit 1)", async () => {
  const dir = project(1, [
    { id: "mark", action: "touch", with: { file: "marker.txt" } },
    { id: "boom", action: "exec", with: { command: "exit 4" } },
  ]);
  const run = await runLifeboat(["workflow", "run", "nightly", "--json"], { cwd: dir });
  assert.equal(run.code, 1);
  const { ok, report } = jsonOf<{
    ok: boolean;
    report: { phase: string; error: { code: string } };
  }>(run);
  assert.equal(ok, false);
  assert.equal(report.phase, "failed");
  assert.equal(report.error.code, "LB_ACTION_FAILED");
  const unknown = await runLifeboat(["workflow", "run", "nope", "--json"], { cwd: dir });
  assert.equal(unknown.code, 3);
  assert.equal(jsonOf<{ error: { code: string } }>(unknown).error.code, "LB_WORKFLOW_NOT_FOUND");
});

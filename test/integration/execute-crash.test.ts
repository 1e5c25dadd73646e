/**
 * Crash safety, on SQLite and PostgreSQL: a child process executes a run whose handler makes
 * side effects in a file; the test kill -9s it at three points (observed through the store),
 * then resumes in-process. Every step's side effect must exist exactly once — the step that was
 * in flight when the process died is adopted, not made again — and the run must succeed.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Executor } from "../../src/execute/executor.js";
import { isLifeboatError } from "../../src/model/errors.js";
import { listSteps } from "../../src/store/steps-repo.js";
import type { Store } from "../../src/store/store.js";
import { fileEffectsHandler, readEffects } from "../fixtures/file-effects-handler.js";
import { plan, step, storeTargets } from "./execute-fixture.js";

const child = fileURLToPath(new URL("../fixtures/execute-crash-child.js", import.meta.url));

/** a1..a4 → b1..b4 → c1 (b1, b2), c2 (b3, b4) → z: 11 steps, 4 wide, 4 deep. */
const dag = () =>
  plan([
    ...[1, 2, 3, 4].map((i) => step(`a${i}`)),
    ...[1, 2, 3, 4].map((i) => step(`b${i}`, [`a${i}`])),
    step("c1", ["b1", "b2"]),
    step("c2", ["b3", "b4"]),
    step("z", ["c1", "c2"]),
  ]);

/** Where to kill: the step hanging in flight, and how many steps succeeded first. */
const points = [
  { name: "early", hang: "a1", succeeded: 1 },
  { name: "middle", hang: "b3", succeeded: 5 },
  { name: "late", hang: "c2", succeeded: 9 },
];

async function until(what: string, check: () => Promise<boolean>, exited: () => boolean) {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (exited()) throw new Error(`the child exited before ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20)); // polling another process
  }
}

for (const target of storeTargets()) {
  describe(`executor crash and resume: ${target.name}`, () => {
    const dirs: string[] = [];
    before(() => target.setUp());
    after(async () => {
      await target.tearDown();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    for (const point of points) {
      test(`kill -9 ${point.name} (${point.hang} in flight), resume → exactly once`, async () => {
        const { store, url } = await target.fresh();
        const dir = mkdtempSync(join(tmpdir(), "lifeboat-crash-"));
        dirs.push(dir);
        const effects = join(dir, "effects");
        const setup = new Executor({ store, handlers: { make: fileEffectsHandler(effects) } });
        const run = await setup.createRun({ environment: "shop", mode: "drill", plan: dag() });

        const proc = spawn(process.execPath, [child, url, run.id, effects, point.hang], {
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const gone = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
        try {
          await until(
            `${point.succeeded} steps succeeded with ${point.hang} in flight`,
            async () => {
              const steps = await listSteps(store, run.id);
              const done = steps.filter((s) => s.phase === "succeeded").length;
              const hung = readEffects(effects).some((e) => e.key.endsWith(`/k-${point.hang}`));
              return done >= point.succeeded && hung;
            },
            () => proc.exitCode !== null,
          );
        } catch (error) {
          proc.kill("SIGKILL");
          throw new Error(`${String(error)}; child stderr: ${stderr}`, { cause: error });
        }
        proc.kill("SIGKILL");
        await gone;

        const before = await listSteps(store, run.id);
        assert.equal(before.find((s) => s.stepId === point.hang)?.phase, "running");
        assert.ok(before.filter((s) => s.phase === "succeeded").length >= point.succeeded);

        // The dead child's lease still holds; a resume waits for it to expire.
        const resumer = (s: Store) =>
          new Executor({ store: s, handlers: { make: fileEffectsHandler(effects) } });
        await assert.rejects(resumer(store).resume(run.id), (e) =>
          isLifeboatError(e, "LB_RUN_LOCKED"),
        );
        const later = await target.open(url, { now: () => new Date(Date.now() + 60_000) });
        const { run: done, report } = await resumer(later).resume(run.id);

        assert.equal(done.phase, "succeeded");
        const made = readEffects(effects);
        const perKey = new Map<string, number>();
        for (const e of made) perKey.set(e.key, (perKey.get(e.key) ?? 0) + 1);
        assert.equal(perKey.size, 11, "every step made its side effect");
        assert.deepEqual([...new Set(perKey.values())], [1], "and made it exactly once");
        const hung = report.steps.find((s) => s.stepId === point.hang);
        assert.equal(hung?.resolution, "adopted");
        assert.equal(hung?.attempts, 2);
        assert.ok(report.steps.every((s) => s.phase === "succeeded"));
        const byStep = new Map(report.steps.map((s) => [s.stepId, s]));
        for (const s of before.filter((r) => r.phase === "succeeded")) {
          assert.equal(byStep.get(s.stepId)?.attempts, 1, `${s.stepId} did not run again`);
        }
      });
    }
  });
}

/**
 * `lifeboat agent` with a consistency group and backup workflows (docs/workflow-semantics.md,
 * "Backup workflows"): the built CLI runs the `before` steps, both volumes at one instant, then
 * the `after` steps, as one workflow run; when the agent dies inside the `before` half (its
 * freeze step kills it with -9), the next agent first undoes the open pair, then runs a whole
 * cycle.
 */
import * as assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Store } from "../../src/store/store.js";
import { listRecoveryPoints } from "../../src/store/recovery-points-repo.js";
import { listRuns } from "../../src/store/runs-repo.js";
import { jsonOf, runLifeboat } from "./cli.js";
import { ConfigBuilder } from "./config-builder.js";
import { agentEnv, initAgentWorkspace, MiB, withStore as storeOf } from "./agent-fixture.js";

let dir: string;
const env = agentEnv;
const log = () => join(dir, "cycle.log");
const crashMarker = () => join(dir, "crash-once");

before(async () => {
  dir = join(tmpdir(), `lifeboat-agent-wf-${process.pid}`);
  mkdirSync(join(dir, "disks"), { recursive: true });
  const note = (word: string) => `echo ${word} >> "${log()}"`;
  ConfigBuilder.shop()
    .set("environments.shop.protect", [
      {
        volumes: { ids: ["vol-a", "vol-b"] },
        rpo: "1h",
        group: "disks",
        workflows: {
          before: [
            {
              id: "freeze",
              action: "exec",
              // Dies like a crashed agent (kill -9 of the agent itself) once the marker exists.
              with: {
                command: `${note("freeze")}; if [ -e "${crashMarker()}" ]; then rm "${crashMarker()}"; kill -9 $PPID; fi`,
              },
              undo: "thaw",
            },
          ],
          after: [{ id: "thaw", action: "exec", with: { command: note("thaw") } }, "notify"],
        },
      },
    ])
    .set("workflows", {
      notify: { steps: [{ id: "notify", action: "exec", with: { command: note("notify") } }] },
      snap: {
        steps: [
          {
            id: "snap",
            action: "snapshot",
            target: [{ volume: { path: "disks/a.img" } }, { volume: { path: "disks/b.img" } }],
          },
        ],
      },
    })
    .set("environments.shop.agent", {
      name: "host-wf",
      volumes: {
        "vol-a": { path: "disks/a.img", mode: "scan" },
        "vol-b": { path: "disks/b.img", mode: "scan" },
      },
    })
    .writeTo(dir);
  await initAgentWorkspace(dir, [
    ["a.img", 4 * MiB, MiB],
    ["b.img", 4 * MiB, MiB],
  ]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const withStore = <T>(body: (s: Store) => Promise<T>) => storeOf(dir, body);

const lines = async () => (await readFile(log(), "utf8")).trim().split("\n");

async function agentOnce() {
  return await runLifeboat(["agent", "--once", "--json"], { cwd: dir, env, timeoutMs: 180_000 });
}

test("agent --once: before steps, both volumes at one instant, after steps, one workflow run", async () => {
  const run = await agentOnce();
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const report = jsonOf<{ ok: boolean; volumes: { id: string; lastError: unknown }[] }>(run);
  assert.equal(report.ok, true);
  assert.deepEqual(await lines(), ["freeze", "thaw", "notify"]);
  const [a, b] = await withStore(async (s) => [
    await listRecoveryPoints(s, "shop", { source: "vol-a" }),
    await listRecoveryPoints(s, "shop", { source: "vol-b" }),
  ]);
  assert.equal(a?.length, 1);
  assert.equal(b?.length, 1);
  assert.equal(a![0]!.groupId, b![0]!.groupId);
  assert.ok(a![0]!.groupId?.startsWith("disks@"));
  assert.equal(a![0]!.at.getTime(), b![0]!.at.getTime());
  const runs = await withStore((s) => listRuns(s, { environment: "shop" }));
  assert.deepEqual(
    runs.map((r) => [r.mode, r.phase]),
    [["workflow", "succeeded"]],
  );

  // `points --at` the group's instant gives both members of that group.
  const at = await runLifeboat(["points", "shop", "--at", a![0]!.at.toISOString(), "--json"], {
    cwd: dir,
    env,
  });
  const listed = jsonOf<{ points: { source: string; groupId: string }[] }>(at).points;
  assert.deepEqual(listed.map((p) => [p.source, p.groupId]).sort(), [
    ["vol-a", a![0]!.groupId],
    ["vol-b", a![0]!.groupId],
  ]);
});

test("agent killed with -9 inside the before half: the next cycle undoes the open pair first", async () => {
  await rm(log());
  await writeFile(crashMarker(), "");
  const crashed = await agentOnce();
  assert.notEqual(crashed.code, 0, "the agent died");
  assert.deepEqual(await lines(), ["freeze"]);
  const again = await agentOnce();
  assert.equal(again.code, 0, again.stdout + again.stderr);
  // The orphan's thaw (resume-undo) runs before the new cycle's freeze.
  assert.deepEqual(await lines(), ["freeze", "thaw", "freeze", "thaw", "notify"]);
  const runs = await withStore((s) => listRuns(s, { environment: "shop" }));
  assert.deepEqual(
    runs.map((r) => [r.phase, r.error?.code ?? null]),
    [
      ["succeeded", null],
      ["failed", "LB_WORKFLOW_INTERRUPTED"],
      ["succeeded", null],
    ],
  );
  const points = await withStore((s) => listRecoveryPoints(s, "shop", { source: "vol-a" }));
  assert.equal(points.length, 2, "the crashed cycle recorded nothing; the next one a point");
});

test("lifeboat resume of a cycle whose agent died: the pair is undone, the cycle step fails", async () => {
  await rm(log());
  await writeFile(crashMarker(), "");
  const crashed = await agentOnce();
  assert.notEqual(crashed.code, 0, "the agent died");
  const [orphan] = await withStore((s) => listRuns(s, { environment: "shop" }));
  assert.equal(orphan?.phase, "running");
  const resumed = await runLifeboat(["resume", orphan.id, "--json"], { cwd: dir, env });
  assert.notEqual(resumed.code, 0, resumed.stdout + resumed.stderr);
  // thaw undoes the dead freeze first; the round restarts; protect-cycle cannot run outside
  // the agent's cycle, so thaw runs again as its undo and no point is claimed.
  assert.deepEqual(await lines(), ["freeze", "thaw", "freeze", "thaw"]);
  const [after] = await withStore((s) => listRuns(s, { environment: "shop" }));
  assert.deepEqual(
    [after?.id, after?.phase, after?.error?.code],
    [orphan.id, "failed", "LB_WORKFLOW_INTERRUPTED"],
  );
});

test("workflow run with the snapshot action: points of both files, one group, listed by points", async () => {
  const runs = [];
  for (let round = 0; round < 2; round++) {
    const run = await runLifeboat(["workflow", "run", "snap", "--json"], { cwd: dir, env });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    runs.push(jsonOf<{ report: { runId: string } }>(run).report.runId);
  }
  const listed = jsonOf<{
    points: { source: string; groupId: string; at: string; method: string; changedBytes: number }[];
  }>(await runLifeboat(["points", "shop", "--json"], { cwd: dir, env })).points.filter((p) =>
    p.source.startsWith("disks/"),
  );
  // Newest first: the second run's group, then the first's; each group shares one instant.
  assert.deepEqual(
    listed.map((p) => p.groupId),
    [`${runs[1]}/snap`, `${runs[1]}/snap`, `${runs[0]}/snap`, `${runs[0]}/snap`],
  );
  assert.deepEqual(listed.map((p) => [p.source, p.method]).sort(), [
    ["disks/a.img", "scan"],
    ["disks/a.img", "scan"],
    ["disks/b.img", "scan"],
    ["disks/b.img", "scan"],
  ]);
  assert.equal(listed[0]!.at, listed[1]!.at);
  // The protection engine's base: the unchanged files cost nothing the second time.
  assert.deepEqual(
    listed.slice(0, 2).map((p) => p.changedBytes),
    [0, 0],
  );
});

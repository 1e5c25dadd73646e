/**
 * Consistency groups (docs/protect.md, "Consistency groups"): two image files behind the real
 * journal pass-through cut at one instant while a writer keeps writing to both; two scanned
 * images inside a backup workflow whose exec quiesce/unquiesce pair surrounds both reads — also
 * when a member's capture fails.
 *
 * The instant is made observable: the writer pauses, both backing images are copied, the instant
 * is noted, and only then does the writer resume; the group is cut at that instant later, while
 * the writer runs, and each member must restore to its copy.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { copyFile, open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { systemClock } from "../../src/model/clock.js";
import { workflowStepSchema } from "../../src/model/workflow.js";
import { cycleWorkflow } from "../../src/model/cycle-workflow.js";
import { standaloneBuiltins } from "../../src/plugins/builtin/index.js";
import { PluginRegistry } from "../../src/plugins/plugin-registry.js";
import type { ChangeSource } from "../../src/protect/change-source.js";
import type { JournalMount } from "../../src/protect/journal/journal-mount.js";
import type { JournalSource } from "../../src/protect/journal/journal-source.js";
import { protectGroup } from "../../src/protect/protect-group.js";
import { ScanSource } from "../../src/protect/scan-source.js";
import { createEnvironment } from "../../src/store/environments-repo.js";
import { listRecoveryPoints } from "../../src/store/recovery-points-repo.js";
import { listRuns } from "../../src/store/runs-repo.js";
import { CycleHooks } from "../../src/workflows/cycle-hooks.js";
import { WorkflowRunner } from "../../src/workflows/workflow-runner.js";
import {
  buildJournalfs,
  journalSource,
  KiB,
  MiB,
  makeImage,
  mountJournal,
  pointBytes,
  protectFixture,
  type ProtectFixture,
} from "./protect-fixture.js";

let fx: ProtectFixture;
const mounts: JournalMount[] = [];

before(async () => {
  buildJournalfs();
  fx = await protectFixture();
  await createEnvironment(fx.store, { name: "shop", configDigest: "d" });
});
after(async () => {
  for (const m of mounts) await m.stop();
  await fx.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes random 4 KiB blocks to every file in turn until stopped; can be held between writes. */
function startWriter(files: readonly string[], size: number) {
  let stopped = false;
  let held: Promise<void> | null = null;
  let release: () => void = () => undefined;
  let idle: () => void = () => undefined;
  let writes = 0;
  const done = (async () => {
    const handles = await Promise.all(files.map((f) => open(f, "r+")));
    try {
      while (!stopped) {
        if (held) {
          idle();
          await held;
        }
        for (const handle of handles) {
          const offset = Math.floor(Math.random() * (size / (4 * KiB))) * 4 * KiB;
          await handle.write(randomBytes(4 * KiB), 0, 4 * KiB, offset);
          writes++;
        }
      }
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  })();
  return {
    get writes() {
      return writes;
    },
    /** Resolves once the writer is between writes and waiting. */
    hold: () =>
      new Promise<void>((resolve) => {
        idle = resolve;
        held = new Promise((r) => (release = r));
      }),
    resume: () => {
      held = null;
      release();
    },
    stop: async () => {
      stopped = true;
      held = null;
      release();
      await done;
    },
  };
}

test("journal group: two volumes cut at one instant while a writer runs restore to that instant", async () => {
  const size = 16 * MiB;
  const sources: JournalSource[] = [];
  for (const name of ["vol-a", "vol-b"]) {
    const image = join(fx.dir, `${name}.img`);
    await makeImage(image, size);
    const mount = await mountJournal(image, join(fx.dir, name));
    mounts.push(mount);
    sources.push(journalSource(name, image, mount));
  }
  const group = { id: "pair", volumes: sources };
  const first = await protectGroup(fx.deps, group, { clock: systemClock });
  assert.deepEqual(
    first.volumes.map((v) => [v.point.groupId, v.point.at.getTime(), v.full]),
    sources.map(() => [first.groupId, first.at.getTime(), true]),
  );

  const writer = startWriter(
    mounts.map((m) => m.file),
    size,
  );
  try {
    await pause(100);
    await writer.hold();
    const copies = [];
    for (const source of sources) {
      const copy = join(fx.dir, `${source.volume}.at-cut`);
      await copyFile(join(fx.dir, `${source.volume}.img`), copy);
      copies.push(copy);
    }
    await pause(3);
    const instant = new Date();
    await pause(3); // every write after the resume is stamped in a later millisecond
    const before = writer.writes;
    writer.resume();
    await pause(100);
    const cycle = await protectGroup(fx.deps, group, { clock: systemClock, at: instant });
    assert.ok(writer.writes > before + 10, "the writer wrote before and during the cycle");
    assert.equal(cycle.at.getTime(), instant.getTime());
    assert.equal(cycle.groupId, `pair@${instant.toISOString()}`);
    for (const [i, v] of cycle.volumes.entries()) {
      assert.equal(v.point.source, sources[i]!.volume);
      assert.equal(v.point.groupId, cycle.groupId);
      assert.equal(v.point.at.getTime(), instant.getTime());
      assert.equal(v.full, false);
      assert.ok(
        (await pointBytes(fx.repo, v.point)).equals(await readFile(copies[i]!)),
        `${v.point.source} restores to its bytes at the instant`,
      );
    }
  } finally {
    await writer.stop();
  }
  // Both rows are in the store under the one group id.
  const rows = await fx.deps.points.group("shop", `pair@${first.at.toISOString()}`);
  assert.deepEqual(rows.map((p) => p.source).sort(), ["vol-a", "vol-b"]);
});

test("mixed group: the journal member is cut at the instant chosen inside the scan's window", async () => {
  const journal = journalSource("vol-a", join(fx.dir, "vol-a.img"), mounts[0]!);
  const scanImage = join(fx.dir, "mixed-scan.img");
  await makeImage(scanImage, 2 * MiB);
  const window: Date[] = [];
  const hooks = {
    quiesce: async () => void window.push(new Date()),
    unquiesce: async () => void window.push(new Date()),
  };
  const cycle = await protectGroup(
    fx.deps,
    { id: "mixed", volumes: [journal, new ScanSource("mixed-scan", scanImage, systemClock)] },
    { clock: systemClock, hooks },
  );
  assert.equal(window.length, 2);
  assert.ok(window[0]! <= cycle.at && cycle.at <= window[1]!, "the instant is inside the window");
  assert.deepEqual(
    cycle.volumes.map((v) => [v.point.method, v.point.at.getTime(), v.point.groupId]),
    [
      ["journal", cycle.at.getTime(), cycle.groupId],
      ["scan", cycle.at.getTime(), cycle.groupId],
    ],
  );
  const images = [join(fx.dir, "vol-a.img"), scanImage];
  for (const [i, v] of cycle.volumes.entries()) {
    assert.ok((await pointBytes(fx.repo, v.point)).equals(await readFile(images[i]!)));
  }
});

/** A scan source that notes each read in the same log the workflow's exec steps append to. */
function loggedScan(volume: string, path: string, log: string): ChangeSource {
  const scan = new ScanSource(volume, path, systemClock);
  return {
    method: scan.method,
    instant: scan.instant,
    volume,
    counters: scan.counters,
    changes: async (base) => {
      const handle = await open(log, "a");
      await handle.write(`read ${volume}\n`);
      await handle.close();
      return await scan.changes(base);
    },
  };
}

function scanHooks(log: string, registry: PluginRegistry): CycleHooks {
  const step = (id: string, word: string, undo?: string) =>
    workflowStepSchema.parse({
      id,
      action: "exec",
      with: { command: ["/bin/sh", "-c", `echo ${word} >> "${log}"`] },
      ...(undo ? { undo } : {}),
    });
  const combined = cycleWorkflow(
    { before: [step("quiesce", "quiesce", "unquiesce")], after: [step("unquiesce", "unquiesce")] },
    {},
  );
  assert.ok("workflow" in combined);
  return new CycleHooks({
    store: fx.store,
    registry,
    environment: "shop",
    group: "scanned",
    workflow: combined.workflow,
  });
}

test("scan group in a backup workflow: quiesce before both reads, unquiesce after, also on failure", async () => {
  const registry = new PluginRegistry();
  for (const plugin of standaloneBuiltins) registry.register(plugin);
  const log = join(fx.dir, "scan.log");
  const images = ["scan-a", "scan-b"].map((n) => join(fx.dir, `${n}.img`));
  for (const image of images) await makeImage(image, 2 * MiB);
  const hooks = scanHooks(log, registry);
  const volumes = images.map((image, i) => loggedScan(`scan-${i}`, image, log));

  const cycle = await protectGroup(
    fx.deps,
    { id: "scanned", volumes },
    { clock: systemClock, hooks },
  );
  assert.deepEqual((await readFile(log, "utf8")).trim().split("\n"), [
    "quiesce",
    "read scan-0",
    "read scan-1",
    "unquiesce",
  ]);
  for (const [i, v] of cycle.volumes.entries()) {
    assert.equal(v.point.groupId, cycle.groupId);
    assert.equal(v.point.at.getTime(), cycle.at.getTime());
    assert.ok((await pointBytes(fx.repo, v.point)).equals(await readFile(images[i]!)));
  }

  // The second member disappears: the cycle fails with its code, unquiesce still runs, and no
  // point of the group is recorded.
  await rm(log);
  await rm(images[1]!);
  const runner = new WorkflowRunner({ store: fx.store, registry });
  await assert.rejects(
    protectGroup(fx.deps, { id: "scanned", volumes }, { clock: systemClock, hooks }),
    (error: { code?: string }) => error.code === "LB_VOLUME_UNAVAILABLE",
  );
  assert.deepEqual((await readFile(log, "utf8")).trim().split("\n"), [
    "quiesce",
    "read scan-0",
    "read scan-1",
    "unquiesce",
  ]);
  const points = await listRecoveryPoints(fx.store, "shop", { source: "scan-0" });
  assert.deepEqual(
    points.map((p) => p.groupId),
    [cycle.groupId],
  );
  const [failed] = await listRuns(fx.store, { environment: "shop" });
  assert.ok(failed);
  const report = await runner.report(failed.id);
  assert.equal(report.workflow, "protect:shop:scanned");
  assert.equal(report.phase, "failed");
  assert.equal(report.error?.code, "LB_VOLUME_UNAVAILABLE");
  assert.deepEqual(report.undoneOutOfOrder, [{ step: "unquiesce", role: "undo" }]);
});

/**
 * `lifeboat agent` end to end (docs/protect.md, "Agent"): the built CLI binds image files to
 * volume ids, ships points, records heartbeats; killed with -9 in the middle of an upload it
 * resynchronises on restart with nothing lost; with the repository unreachable for a while it
 * keeps journaling, reports the failure in its heartbeat, then catches up.
 */
import * as assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { open, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { latestHeartbeat } from "../../src/store/agent-heartbeats-repo.js";
import type { Store } from "../../src/store/store.js";
import { listRecoveryPoints } from "../../src/store/recovery-points-repo.js";
import { ImageReader, resolveSnapshot } from "../../src/repository/archiver/api.js";
import { FsBackend } from "../../src/repository/backends/fs-backend.js";
import { Repository } from "../../src/repository/repository.js";
import { Secret } from "../../src/model/secret.js";
import { cliPath, jsonOf, runLifeboat } from "./cli.js";
import { ConfigBuilder } from "./config-builder.js";
import { agentEnv, initAgentWorkspace, MiB, withStore as storeOf } from "./agent-fixture.js";
import { password } from "./repo-fixture.js";

let dir: string;
const env = agentEnv;
const children: ChildProcess[] = [];

before(async () => {
  dir = join(tmpdir(), `lifeboat-agent-${process.pid}`);
  mkdirSync(join(dir, "disks"), { recursive: true });
  ConfigBuilder.shop()
    .set("environments.shop.protect", [
      { volumes: { ids: ["vol-scan"] }, rpo: "1h", keep: { last: 2 } },
    ])
    .set("environments.shop.agent", {
      name: "host-1",
      heartbeat: "1s",
      volumes: {
        "vol-scan": { path: "disks/scan.img", mode: "scan" },
        "vol-journal": { path: "disks/journal.img", mode: "journal", every: "1s" },
      },
    })
    .writeTo(dir);
  await initAgentWorkspace(dir, [
    ["scan.img", 16 * MiB, 4 * MiB],
    ["journal.img", 128 * MiB, 96 * MiB],
  ]);
});
after(async () => {
  for (const child of children) child.kill("SIGKILL");
  for (const mnt of ["vol-journal"]) {
    spawn("fusermount3", ["-u", "-z", join(dir, ".lifeboat/agent", mnt, "mnt")]);
  }
  rmSync(dir, { recursive: true, force: true });
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 120_000) {
  for (let waited = 0; waited < limitMs; waited += 100) {
    const value = await probe();
    if (value !== undefined) return value;
    await pause(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const withStore = <T>(body: (s: Store) => Promise<T>) => storeOf(dir, body);

const points = (source: string) => withStore((s) => listRecoveryPoints(s, "shop", { source }));

async function pointMatchesImage(snapshotId: string, image: string): Promise<boolean> {
  const repo = await Repository.open(
    new FsBackend(join(dir, ".lifeboat/repo")),
    new Secret(password),
  );
  try {
    const reader = await ImageReader.open(repo, await resolveSnapshot(repo, snapshotId));
    const want = createHash("sha256")
      .update(await readFile(image))
      .digest("hex");
    const got = createHash("sha256")
      .update(await reader.read(0, reader.size))
      .digest("hex");
    return want === got;
  } finally {
    await repo.close();
  }
}

function startAgent(): ChildProcess {
  const child = spawn(process.execPath, [cliPath, "agent", "shop", "--json"], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return child;
}

async function writeThroughMount(count: number): Promise<void> {
  const file = join(dir, ".lifeboat/agent/vol-journal/mnt/image");
  const handle = await open(file, "r+");
  try {
    for (let i = 0; i < count; i++) {
      const offset = Math.floor(Math.random() * 32768) * 4096;
      await handle.write(randomBytes(4096), 0, 4096, offset);
    }
  } finally {
    await handle.close();
  }
}

test("agent --once: one point per volume, a heartbeat, retention keeps the last two", async () => {
  for (let round = 0; round < 3; round++) {
    const run = await runLifeboat(["agent", "--once", "--json"], {
      cwd: dir,
      env,
      timeoutMs: 180_000,
    });
    const report = jsonOf<{
      ok: boolean;
      agent: string;
      volumes: { id: string; lastError: unknown }[];
    }>(run);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(report.ok, true);
    assert.deepEqual(report.volumes.map((v) => v.id).sort(), ["vol-journal", "vol-scan"]);
  }
  const scan = await points("vol-scan");
  assert.equal(scan.length, 2, "keep.last 2 drops the oldest scan point");
  assert.ok(await pointMatchesImage(scan[0]!.snapshotId, join(dir, "disks/scan.img")));
  const journal = await points("vol-journal");
  assert.equal(journal.length, 3);
  assert.ok(journal.every((p) => p.method === "journal"));
  const beat = await withStore((s) => latestHeartbeat(s, "host-1"));
  assert.equal(beat?.environment, "shop");
  assert.equal((beat?.data.volumes as unknown[]).length, 2);
});

test("agent killed with -9 mid-upload: the restart resynchronises and loses nothing", async () => {
  const before = (await points("vol-journal")).length;
  const repoData = join(dir, ".lifeboat/repo/data");
  const packsBefore = readdirSync(repoData, { recursive: true }).length;
  // Make the next cycle a full resync (new session), so it uploads for a while.
  await writeFile(join(dir, "disks/journal.img"), randomBytes(96 * MiB), { flag: "r+" });
  const agent = startAgent();
  await waitFor("an upload in progress", async () =>
    readdirSync(repoData, { recursive: true }).length > packsBefore + 2 ? true : undefined,
  );
  agent.kill("SIGKILL");
  await new Promise((resolve) => agent.once("close", resolve));
  assert.equal(
    (await points("vol-journal")).length,
    before,
    "killed before the point was recorded",
  );
  // The orphaned pass-through still journals; writes go on.
  if (existsSync(join(dir, ".lifeboat/agent/vol-journal/mnt/image"))) await writeThroughMount(50);
  const run = await runLifeboat(["agent", "--once", "--json"], {
    cwd: dir,
    env,
    timeoutMs: 300_000,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const [newest] = await points("vol-journal");
  assert.ok(await pointMatchesImage(newest!.snapshotId, join(dir, "disks/journal.img")));
});

test("repository unreachable for a while: the agent reports it, keeps journaling, catches up", async () => {
  const agent = startAgent();
  let stdout = "";
  agent.stdout!.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  await waitFor("a first point", async () =>
    stdout.includes('"lastError":null') ? true : undefined,
  );
  const repo = join(dir, ".lifeboat/repo");
  await rename(repo, `${repo}.away`);
  await writeFile(repo, "not a directory");
  await writeThroughMount(100);
  await waitFor("a failure in the heartbeat", async () => {
    const beat = await withStore((s) => latestHeartbeat(s, "host-1"));
    const volumes = (beat?.data.volumes ?? []) as { id: string; lastError: unknown }[];
    return volumes.find((v) => v.id === "vol-journal")?.lastError ? true : undefined;
  });
  await writeThroughMount(100);
  await rm(repo);
  await rename(`${repo}.away`, repo);
  const restoredAt = new Date();
  const caughtUp = await waitFor("a point after the outage", async () => {
    const [newest] = await points("vol-journal");
    return newest && newest.at > restoredAt ? newest : undefined;
  });
  agent.kill("SIGTERM");
  const code = await new Promise((resolve) => agent.once("close", resolve));
  assert.equal(code, 0);
  assert.ok(await pointMatchesImage(caughtUp.snapshotId, join(dir, "disks/journal.img")));
});

async function rm(path: string): Promise<void> {
  rmSync(path, { force: true });
}

/**
 * Kill -9 a `lifeboat backup` at 10 seeded points: after each, `repo check` passes, and a re-run
 * finishes while uploading less than a fresh backup (it adopts the packs the killed run left).
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { xorshift32, xorshiftBytes } from "../../src/repository/chunker/golden-input.js";
import { cliPath, makeTempDir } from "./cli.js";
import { expectJson, password, repoCli } from "./repo-fixture.js";

const tmp = makeTempDir("lifeboat-e2e-kill-");
const MiB = 1024 * 1024;
const dataSize = 40 * MiB;

interface Uploaded {
  bytesUploaded: number;
}

/** Runs a backup and SIGKILLs it once its progress passes `killAt` bytes read. */
function backupAndKill(repo: string, killAt: number): Promise<{ killed: boolean }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith("LIFEBOAT_")) env[k] = v;
  const child = spawn(process.execPath, [cliPath, "backup", "data", "--repo", repo, "--json"], {
    cwd: tmp.path,
    env: { ...env, LIFEBOAT_PASSWORD: password, LIFEBOAT_PROGRESS_MS: "10" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let buffered = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    buffered += text;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      const event = JSON.parse(line) as { bytesDone: number; done: boolean };
      if (!event.done && event.bytesDone >= killAt) child.kill("SIGKILL");
    }
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (_code, signal) => resolve({ killed: signal === "SIGKILL" }));
  });
}

let fresh: number;

/** Pack files in a fs repository (data/<2 hex>/<id>). */
async function packsIn(repo: string): Promise<number> {
  const data = join(repo, "data");
  let count = 0;
  for (const dir of await readdir(data).catch(() => [])) {
    count += (await readdir(join(data, dir)).catch(() => [])).length;
  }
  return count;
}

before(async () => {
  await mkdir(join(tmp.path, "data"));
  for (let i = 0; i < 4; i++) {
    await writeFile(join(tmp.path, `data/part-${i}.bin`), xorshiftBytes(dataSize / 4, 100 + i));
  }
  const ref = repoCli(tmp.path, join(tmp.path, "ref"));
  expectJson(await ref(["repo", "init", "--kdf-n", "1024", "--pack-size", "1", "--json"]));
  fresh = expectJson<Uploaded>(await ref(["backup", "data", "--json"])).bytesUploaded;
  assert.ok(fresh >= dataSize);
});

after(() => tmp.remove());

test("kill -9 at 10 seeded points: check passes, a re-run uploads less than a fresh backup", async () => {
  const rnd = xorshift32(2026);
  let killedMidway = 0;
  for (let point = 0; point < 10; point++) {
    const repo = join(tmp.path, `repo-${point}`);
    const cli = repoCli(tmp.path, repo);
    expectJson(await cli(["repo", "init", "--kdf-n", "1024", "--pack-size", "1", "--json"]));
    const killAt = Math.floor((0.35 + 0.6 * ((rnd() % 1000) / 1000)) * dataSize);
    const { killed } = await backupAndKill(repo, killAt);
    if (killed) killedMidway++;
    const check = await cli(["repo", "check", "--json"]);
    assert.equal(check.code, 0, `point ${point} (kill at ${killAt}): ${check.stdout}`);
    const left = await packsIn(repo);
    const rerun = expectJson<Uploaded>(await cli(["backup", "data", "--json"]));
    // A run killed before its first pack reached the repository left nothing to reuse.
    if (killed && left > 0) {
      assert.ok(
        rerun.bytesUploaded < fresh,
        `point ${point}: ${left} packs left, re-run uploaded ${rerun.bytesUploaded} of a fresh ${fresh}`,
      );
    }
    if (point === 9) expectJson(await cli(["repo", "check", "--read-data", "--json"]));
  }
  assert.ok(killedMidway >= 8, `${killedMidway} of 10 backups were killed before finishing`);
});

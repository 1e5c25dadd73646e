/**
 * Kill -9 a backup process at 10 random points: after each, check finds no damage, and a re-run
 * completes while uploading less than a fresh backup would.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { checkRepository } from "../../src/repository/check.js";
import { FsBackend } from "../../src/repository/backends/fs-backend.js";
import { BlobType } from "../../src/repository/pack/pack-entry.js";
import { Repository } from "../../src/repository/repository.js";
import { blobCount, blobData } from "./repo-crash-child.js";
import { password, testOptions } from "./repo-fixture.js";

const child = fileURLToPath(new URL("./repo-crash-child.js", import.meta.url));
let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), "lifeboat-crash-"));
});
after(() => rm(root, { recursive: true, force: true }));

/**
 * Runs the child and SIGKILLs it at `fraction` of the lines left once its first pack is stored
 * (before that nothing reached storage, so there is nothing to reuse). Returns the lines seen.
 */
async function runAndKill(repoPath: string, fraction: number, steps: number): Promise<string[]> {
  const proc = spawn(process.execPath, [child, repoPath], {
    env: { ...process.env, LB_TEST_PASSWORD: password.reveal() },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  let left: number | undefined;
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  for await (const line of createInterface({ input: proc.stdout })) {
    lines.push(line);
    if (line.endsWith("packs=0")) continue;
    left ??= Math.floor(fraction * (steps - lines.length + 1));
    if (left-- === 0) {
      proc.kill("SIGKILL");
      break;
    }
  }
  await exited;
  return lines;
}

test("kill -9 at 10 random points: check passes, a re-run finishes and uploads less", async (t) => {
  // The child prints: started, one line per blob, committing, committed.
  const steps = blobCount + 3;
  let seed = 20261122;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let run = 0; run < 10; run++) {
    const repoPath = join(root, `repo-${run}`);
    const repo = await Repository.init(new FsBackend(repoPath), password, testOptions);
    const seen = await runAndKill(repoPath, random(), steps);
    t.diagnostic(`run ${run}: killed after "${seen.at(-1)}"`);
    const report = await checkRepository(repo);
    assert.deepEqual(report.errors, [], `run ${run}, killed after "${seen.at(-1)}"`);
    const session = await repo.startWrite("re-run");
    const content: string[] = [];
    for (let i = 0; i < blobCount; i++) {
      content.push((await session.saveBlob(BlobType.data, blobData(i))).id.toString("hex"));
    }
    const tree = await session.saveTree([{ name: "disk", type: "file", size: 1, content }]);
    await session.commit({ kind: "image", source: "disk", root: tree, size: 1 });
    assert.ok(
      session.stats.blobsStored < blobCount,
      `run ${run}, killed after "${seen.at(-1)}": re-run stored ${session.stats.blobsStored} of ${blobCount}`,
    );
    assert.deepEqual(
      (await checkRepository(repo, { readData: true })).errors,
      [],
      `run ${run} after re-run`,
    );
  }
});

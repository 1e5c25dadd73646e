/**
 * `fsfreeze` / `fsthaw` on a real ext4 file system (a loop-mounted image; needs root, as CI
 * runs): while frozen a writer blocks, after the thaw it proceeds; a failure after the freeze
 * still thaws (the declared pair, and the plug-in's own undo without one); a thaw of a file
 * system that is not frozen is a no-op; the same over ssh against a real sshd.
 */
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startSshd, sshdMissing, type Sshd } from "../harness/sshd.js";
import { runSteps, stepOf } from "./workflow-builtins-fixture.js";

function loopMountMissing(): string | undefined {
  if (process.getuid?.() !== 0) return "loop-mounting a test file system needs root";
  for (const tool of ["mkfs.ext4", "fsfreeze", "mount"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) return `${tool} is missing`;
  }
  return undefined;
}

const run = (argv: string[]) => {
  const out = spawnSync(argv[0] ?? "", argv.slice(1), { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`${argv.join(" ")}: ${out.stderr}`);
};

/** Writes `text` to `file` in a child; resolves true if it finished within `ms`. */
function writesWithin(file: string, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", `echo ok > "$1"`, "sh", file], { stdio: "ignore" });
    const timer = setTimeout(() => resolve(false), ms);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

/**
 * Two exec steps for the frozen window: the first starts a background writer into the mount
 * (a write to a frozen file system sleeps uninterruptibly until the thaw, so nothing may wait
 * for it in the workflow); the second waits until the writer started, gives it a moment, and
 * logs whether it got through.
 */
function writerSteps(dir: string, mnt: string, name: string) {
  const log = join(dir, `${name}-writer.log`);
  writeFileSync(log, "");
  const file = join(mnt, `${name}-during-freeze.txt`);
  const writer = `(echo started >> ${log}; echo data > ${file}; echo wrote >> ${log}) </dev/null >/dev/null 2>&1 &`;
  const check = `until grep -q started ${log}; do sleep 0.05; done; sleep 0.5; if grep -q wrote ${log}; then echo not-blocked; else echo blocked; fi >> ${log}`;
  return {
    log,
    file,
    steps: [
      { id: "write", action: "exec", with: { command: writer } },
      { id: "check", action: "exec", timeout: "30s", with: { command: check } },
    ],
  };
}

/** The writer was blocked while frozen and finished after the thaw. */
async function assertBlockedThenWrote(log: string, file: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!readFileSync(log, "utf8").includes("wrote") && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(readFileSync(log, "utf8").trim().split("\n"), ["started", "blocked", "wrote"]);
  assert.equal(readFileSync(file, "utf8"), "data\n");
}

describe("fsfreeze / fsthaw on a loop-mounted ext4", { skip: loopMountMissing() }, () => {
  let dir = "";
  let mnt = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "lifeboat-fsfreeze-"));
    mnt = join(dir, "mnt");
    mkdirSync(mnt);
    run(["truncate", "-s", "16M", join(dir, "fs.img")]);
    run(["mkfs.ext4", "-q", join(dir, "fs.img")]);
    run(["mount", "-o", "loop", join(dir, "fs.img"), mnt]);
  });
  after(() => {
    spawnSync("fsfreeze", ["-u", mnt]); // never leave a frozen file system behind
    spawnSync("umount", [mnt]);
    rmSync(dir, { recursive: true, force: true });
  });

  const volume = () => ({ volume: { mountpoint: mnt } });

  test("frozen: a writer blocks; thawed: it proceeds", async () => {
    const { log, file, steps } = writerSteps(dir, mnt, "local");
    const { report } = await runSteps([
      { id: "freeze", action: "fsfreeze", target: volume(), undo: "thaw" },
      ...steps,
      { id: "thaw", action: "fsthaw", target: volume() },
    ]);
    assert.equal(report.phase, "succeeded", JSON.stringify(report.error));
    await assertBlockedThenWrote(log, file);
    assert.deepEqual(stepOf(report, "thaw").outputs?.thawed, [{ mountpoint: mnt, how: "thawed" }]);
    const frozen = stepOf(report, "freeze").outputs?.frozen as { mountpoint: string }[];
    assert.equal(frozen[0]?.mountpoint, mnt);
  });

  test("a failure after the freeze: the pair's thaw still runs and the file system is writable", async () => {
    const { report } = await runSteps([
      { id: "freeze", action: "fsfreeze", target: volume(), undo: "thaw" },
      { id: "boom", action: "exec", with: { command: "exit 9" } },
      { id: "thaw", action: "fsthaw", target: volume() },
    ]);
    assert.equal(report.phase, "failed");
    assert.equal(report.error?.code, "LB_ACTION_FAILED");
    assert.equal(stepOf(report, "thaw").phase, "succeeded");
    assert.deepEqual(report.undoneOutOfOrder, [{ step: "thaw", role: "undo" }]);
    assert.equal(await writesWithin(join(mnt, "after-failure.txt"), 10_000), true);
  });

  test("without a declared pair, fsfreeze's own undo thaws when the workflow fails", async () => {
    const { report, events } = await runSteps([
      { id: "freeze", action: "fsfreeze", target: volume() },
      { id: "boom", action: "exec", with: { command: "exit 9" } },
    ]);
    assert.equal(report.phase, "failed");
    const compensations = events.filter((e) => e.type.startsWith("compensate."));
    assert.deepEqual(
      compensations.map((e) => [e.type, e.stepId]),
      [
        ["compensate.started", "freeze"],
        ["compensate.succeeded", "freeze"],
      ],
    );
    assert.equal(await writesWithin(join(mnt, "after-undo.txt"), 10_000), true);
  });

  test("fsthaw of a file system that is not frozen succeeds as not-frozen", async () => {
    const { report } = await runSteps([{ id: "thaw", action: "fsthaw", target: volume() }]);
    assert.equal(report.phase, "succeeded");
    assert.deepEqual(stepOf(report, "thaw").outputs?.thawed, [
      { mountpoint: mnt, how: "not-frozen" },
    ]);
  });

  test("a mount point that is no file system fails with LB_FSFREEZE_FAILED", async () => {
    const { report } = await runSteps([
      { id: "freeze", action: "fsfreeze", target: { volume: { mountpoint: join(dir, "nope") } } },
    ]);
    assert.equal(stepOf(report, "freeze").error?.code, "LB_FSFREEZE_FAILED");
  });

  describe("over ssh", { skip: sshdMissing() }, () => {
    let sshd: Sshd;
    before(async () => {
      sshd = await startSshd();
    });
    after(async () => {
      await sshd?.stop();
    });

    test("with.ssh freezes and thaws on the machine", async () => {
      const ssh = {
        host: sshd.host,
        port: sshd.port,
        user: sshd.user,
        identityFile: sshd.identityFile,
        knownHostsFile: sshd.knownHostsFile,
      };
      const { log, file, steps } = writerSteps(dir, mnt, "ssh");
      const { report } = await runSteps([
        { id: "freeze", action: "fsfreeze", target: volume(), with: { ssh }, undo: "thaw" },
        ...steps,
        { id: "thaw", action: "fsthaw", target: volume(), with: { ssh } },
      ]);
      assert.equal(report.phase, "succeeded", JSON.stringify(report.error));
      assert.equal(
        stepOf(report, "freeze").outputs?.machine,
        `${sshd.user}@127.0.0.1:${sshd.port}`,
      );
      await assertBlockedThenWrote(log, file);
    });
  });
});

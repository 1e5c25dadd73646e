/**
 * The `ssh` built-in against a real OpenSSH server (test/harness/sshd.ts) on loopback, through
 * the real workflow runner: a step writes a file on the "machine", a failing command fails the
 * step with LB_REMOTE_COMMAND_FAILED and its output, a step timeout kills the remote command,
 * and a wrong host key is refused (LB_SSH_FAILED) before anything runs.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { inventoryMachineAddresses } from "../../src/compose-machine-addresses.js";
import { countsByKind, inventoryDigest, type Inventory } from "../../src/model/inventory/index.js";
import { saveDocument } from "../../src/repository/json-document.js";
import { recordInventoryCapture } from "../../src/store/inventory-versions-repo.js";
import type { Store } from "../../src/store/store.js";
import { shopInventory } from "../builders/shop-inventory.js";
import { startSshd, sshdMissing, type Sshd } from "../harness/sshd.js";
import { fsPlace, initRepo } from "./repo-fixture.js";
import { builtinRegistry, runSteps, stepOf } from "./workflow-builtins-fixture.js";

const missing = sshdMissing();

describe("ssh built-in against a real sshd", { skip: missing }, () => {
  let sshd: Sshd;
  before(async () => {
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
  });

  const machine = () => ({ machine: { host: sshd.host, port: sshd.port, user: sshd.user } });
  const keys = () => ({ identityFile: sshd.identityFile, knownHostsFile: sshd.knownHostsFile });

  test("a step writes a file on the machine; exit status and output tails are the outputs", async () => {
    const file = join(sshd.dir, "written.txt");
    const { report } = await runSteps([
      {
        id: "write",
        action: "ssh",
        target: machine(),
        with: {
          command: `echo written by $(whoami) > ${file}; echo done; echo note >&2`,
          ...keys(),
        },
      },
    ]);
    assert.equal(report.phase, "succeeded", JSON.stringify(report.error));
    assert.equal(readFileSync(file, "utf8").trim(), `written by ${sshd.user}`);
    const [result] = stepOf(report, "write").outputs?.results as Record<string, unknown>[];
    assert.deepEqual(result, {
      machine: `${sshd.user}@127.0.0.1:${sshd.port}`,
      exitCode: 0,
      stdout: "done\n",
      stderr: "note\n",
    });
  });

  test("an argv command is quoted word by word for the remote shell", async () => {
    const file = join(sshd.dir, "it's quoted.txt");
    const { report } = await runSteps([
      {
        id: "argv",
        action: "ssh",
        target: machine(),
        with: { command: ["sh", "-c", 'printf "%s" "$0" > "$1"', "a b; $HOME", file], ...keys() },
      },
    ]);
    assert.equal(report.phase, "succeeded", JSON.stringify(report.error));
    assert.equal(readFileSync(file, "utf8"), "a b; $HOME");
  });

  test("a failing command fails the step with LB_REMOTE_COMMAND_FAILED, status and stderr", async () => {
    const { report } = await runSteps([
      {
        id: "fail",
        action: "ssh",
        target: machine(),
        with: { command: "echo partial; echo boom >&2; exit 3", ...keys() },
      },
    ]);
    assert.equal(report.phase, "failed");
    const error = stepOf(report, "fail").error;
    assert.equal(error?.code, "LB_REMOTE_COMMAND_FAILED");
    assert.equal(error?.details?.exitCode, 3);
    assert.equal(error?.details?.stderr, "boom\n");
    assert.equal(error?.details?.stdout, "partial\n");
  });

  test("expectExit accepts other statuses", async () => {
    const { report } = await runSteps([
      {
        id: "grep",
        action: "ssh",
        target: machine(),
        with: { command: "exit 1", expectExit: [0, 1], ...keys() },
      },
    ]);
    assert.equal(report.phase, "succeeded");
  });

  /** A step whose remote command records its process group, then sleeps long. */
  const sleeper = (name: string, extra: Record<string, unknown>) => {
    const pidFile = join(sshd.dir, `${name}.pid`);
    const finished = join(sshd.dir, `${name}.finished`);
    const step = {
      id: name,
      action: "ssh",
      target: machine(),
      with: { command: `echo $$ > ${pidFile}; sleep 60; touch ${finished}`, ...keys() },
      ...extra,
    };
    return { pidFile, finished, step };
  };

  /** The remote command's process group is gone (waited for: sshd notices asynchronously). */
  const assertKilled = async (pidFile: string, finished: string) => {
    assert.ok(existsSync(pidFile), "the remote command had started");
    const group = Number(readFileSync(pidFile, "utf8"));
    assert.ok(group > 1);
    const deadline = Date.now() + 15_000;
    while (groupAlive(group) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(groupAlive(group), false, "the remote command's process group is gone");
    assert.equal(existsSync(finished), false);
  };

  test("the step's timeout kills the remote command and its children", async () => {
    // Long enough for the login on a loaded machine; the command itself would take a minute.
    const { pidFile, finished, step } = sleeper("slow", { timeout: "8s" });
    const { report } = await runSteps([step]);
    assert.equal(report.phase, "failed");
    assert.equal(stepOf(report, "slow").error?.code, "LB_WORKFLOW_STEP_TIMEOUT");
    await assertKilled(pidFile, finished);
  });

  test("a cancel while the remote command runs kills it", async () => {
    const { pidFile, finished, step } = sleeper("cancelled", {});
    const abort = new AbortController();
    const running = runSteps([step], undefined, abort.signal);
    const deadline = Date.now() + 30_000;
    while (!existsSync(pidFile) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20)); // until the remote command is running
    }
    abort.abort();
    const { report } = await running;
    assert.equal(report.phase, "cancelled");
    await assertKilled(pidFile, finished);
  });

  test("a machine named only by instanceId is reached at its address in the latest inventory", async () => {
    // A captured shop whose bastion's private address is this test's sshd (loopback).
    const inventory = JSON.parse(JSON.stringify(shopInventory().build())) as Inventory;
    const bastion = inventory.resources.find((r) => r.providerId === "i-bastion");
    assert.ok(bastion?.kind === "machine");
    bastion.properties.privateIps = ["127.0.0.1"];
    const place = await fsPlace();
    const repo = await initRepo(place);
    try {
      const snapshotId = await saveDocument(repo, {
        name: "shop.inventory.json",
        document: inventory,
        kind: "inventory",
      });
      const file = join(sshd.dir, "via-inventory.txt");
      const steps = (instanceId: string) => [
        {
          id: "remote",
          action: "ssh",
          target: { machine: { instanceId, user: sshd.user, port: sshd.port } },
          with: { command: `echo reached > ${file}`, ...keys() },
        },
      ];
      const withInventory = async (store: Store) => {
        await recordInventoryCapture(store, {
          environment: "shop",
          digest: inventoryDigest(inventory),
          snapshotId,
          counts: countsByKind(inventory),
        });
        return builtinRegistry(
          [],
          inventoryMachineAddresses(store, async () => repo),
        );
      };
      const { report } = await runSteps(steps("i-bastion"), withInventory);
      assert.equal(report.phase, "succeeded", JSON.stringify(report.error));
      assert.equal(readFileSync(file, "utf8"), "reached\n");
      const [result] = stepOf(report, "remote").outputs?.results as { machine: string }[];
      assert.equal(result?.machine, `${sshd.user}@127.0.0.1:${sshd.port}`);
      // A machine the inventory does not know fails before any connection is tried.
      const unknown = await runSteps(steps("i-unknown"), withInventory);
      assert.equal(stepOf(unknown.report, "remote").error?.code, "LB_INVALID_INPUT");
    } finally {
      await repo.close();
      await place.dispose();
    }
  });

  test("an unknown host key is refused: LB_SSH_FAILED, nothing runs", async () => {
    const otherKeys = join(sshd.dir, "other_known_hosts");
    spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(sshd.dir, "stranger")]);
    const [type, key] = readFileSync(join(sshd.dir, "stranger.pub"), "utf8").split(" ");
    writeFileSync(otherKeys, `[127.0.0.1]:${sshd.port} ${type} ${key}\n`);
    const marker = join(sshd.dir, "must-not-exist");
    const { report } = await runSteps([
      {
        id: "spoofed",
        action: "ssh",
        target: machine(),
        with: {
          command: `touch ${marker}`,
          identityFile: sshd.identityFile,
          knownHostsFile: otherKeys,
        },
      },
    ]);
    assert.equal(stepOf(report, "spoofed").error?.code, "LB_SSH_FAILED");
    assert.equal(existsSync(marker), false);
  });
});

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

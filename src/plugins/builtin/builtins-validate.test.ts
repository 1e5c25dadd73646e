/**
 * `workflow validate` (planWorkflow) catches bad parameters and targets of the ssh, fsfreeze,
 * fsthaw, wait-healthy and aws-ssm-run built-ins before anything runs; good ones plan with
 * their defaults filled in.
 */
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "../../model/errors.js";
import { workflowSchema } from "../../model/workflow.js";
import { planWorkflow } from "../../workflows/workflow-plan.js";
import { PluginRegistry } from "../plugin-registry.js";
import type { RemoteShellPort } from "../remote-shell-port.js";
import { awsSsmRunPlugin, invocationOutcome } from "./aws-ssm-run.js";
import { standaloneBuiltins } from "./index.js";
import { sshPlugin } from "./ssh.js";

/** Planning never calls the port; any call is a bug in this test. */
const unused: RemoteShellPort = {
  find: () => Promise.reject(new Error("not called when planning")),
  send: () => Promise.reject(new Error("not called when planning")),
  invocation: () => Promise.reject(new Error("not called when planning")),
  cancel: () => Promise.reject(new Error("not called when planning")),
};

const registry = new PluginRegistry();
const noAddresses = { addressOf: () => Promise.reject(new Error("not called when planning")) };
for (const plugin of [...standaloneBuiltins, sshPlugin(noAddresses), awsSsmRunPlugin(unused)]) {
  registry.register(plugin);
}

const machine = { machine: { host: "10.0.0.5", user: "ops" } };
const instance = { machine: { instanceId: "i-0123456789abcdef0" } };
const volume = { volume: { mountpoint: "/srv/data" } };

/** The problems planning reports for one step, as `[step, message]`. */
function problems(step: Record<string, unknown>): string[] {
  const workflow = workflowSchema.parse({ steps: [{ id: "s", ...step }] });
  try {
    planWorkflow("w", workflow, registry);
  } catch (e) {
    assert.ok(isLifeboatError(e, "LB_WORKFLOW_INVALID"), String(e));
    return (e.details.problems as { message: string }[]).map((p) => p.message);
  }
  return [];
}

test("bad ssh steps are refused before anything runs", () => {
  assert.deepEqual(problems({ action: "ssh", target: machine, with: { command: "true" } }), []);
  assert.match(
    problems({
      action: "ssh",
      target: machine,
      with: { command: "true", hostKeyChecking: "off" },
    }).join(),
    /hostKeyChecking/,
  );
  assert.match(problems({ action: "ssh", target: machine, with: {} }).join(), /command/);
  assert.match(
    problems({
      action: "ssh",
      target: machine,
      with: { command: "x", connectTimeout: "soon" },
    }).join(),
    /connectTimeout/,
  );
  assert.match(
    problems({ action: "ssh", target: machine, with: { command: "x", expectExit: [255] } }).join(),
    /expectExit/,
  );
  // An instance id is looked up in the inventory when the step runs.
  assert.deepEqual(problems({ action: "ssh", target: instance, with: { command: "x" } }), []);
  // No address at all, or one ssh would read as an option: no plug-in applies to the machine.
  assert.equal(
    problems({ action: "ssh", target: { machine: { user: "ops" } }, with: { command: "x" } })
      .length,
    1,
  );
  assert.equal(
    problems({
      action: "ssh",
      target: { machine: { host: "-oProxyCommand=sh" } },
      with: { command: "x" },
    }).length,
    1,
  );
});

test("ssh fills in safe defaults: strict host key checking, 10 s connect timeout", () => {
  const plan = planWorkflow(
    "w",
    workflowSchema.parse({
      steps: [{ id: "s", action: "ssh", target: machine, with: { command: "true" } }],
    }),
    registry,
  );
  assert.deepEqual(plan.steps[0]?.params, {
    command: "true",
    expectExit: [0],
    hostKeyChecking: "strict",
    connectTimeout: "10s",
  });
});

test("fsfreeze and fsthaw need a mount point other than / and a well-formed ssh", () => {
  assert.deepEqual(problems({ action: "fsfreeze", target: volume }), []);
  assert.deepEqual(
    problems({ action: "fsthaw", target: volume, with: { ssh: { host: "db1" } } }),
    [],
  );
  assert.equal(problems({ action: "fsfreeze", target: { volume: { mountpoint: "/" } } }).length, 1);
  assert.equal(
    problems({ action: "fsfreeze", target: { volume: { path: "/srv/x.img" } } }).length,
    1,
  );
  assert.match(
    problems({ action: "fsfreeze", target: volume, with: { ssh: {} } }).join(),
    /ssh\.host/,
  );
  assert.match(problems({ action: "fsthaw", target: volume, with: { via: "ssh" } }).join(), /via/);
});

test("wait-healthy needs exactly one probe and real durations", () => {
  assert.deepEqual(
    problems({ action: "wait-healthy", with: { tcp: { host: "db", port: 5432 } } }),
    [],
  );
  assert.equal(problems({ action: "wait-healthy", with: {} }).length, 1);
  assert.equal(
    problems({
      action: "wait-healthy",
      with: { tcp: { host: "db", port: 5432 }, dns: { name: "db.example" } },
    }).length,
    1,
  );
  assert.match(
    problems({ action: "wait-healthy", with: { http: { url: "ftp://x" } } }).join(),
    /http\.url/,
  );
  assert.match(
    problems({
      action: "wait-healthy",
      with: { tcp: { host: "db", port: 1 }, timeout: "later" },
    }).join(),
    /timeout/,
  );
  assert.equal(
    problems({ action: "wait-healthy", target: machine, with: { tcp: { host: "d", port: 1 } } })
      .length,
    1,
  );
});

test("aws-ssm-run needs instance ids and commands", () => {
  assert.deepEqual(
    problems({ action: "aws-ssm-run", target: instance, with: { commands: "uptime" } }),
    [],
  );
  assert.equal(
    problems({ action: "aws-ssm-run", target: machine, with: { commands: "x" } }).length,
    1,
  );
  assert.match(
    problems({ action: "aws-ssm-run", target: instance, with: { commands: [] } }).join(),
    /commands/,
  );
});

test("SSM statuses map to waiting, succeeded or failed", () => {
  const outcomes = [
    "Pending",
    "InProgress",
    "Delayed",
    "Cancelling",
    "Success",
    "Failed",
    "TimedOut",
    "Cancelled",
    "Undeliverable",
    "Terminated",
    "Whatever",
  ].map((s) => [s, invocationOutcome(s)]);
  assert.deepEqual(Object.fromEntries(outcomes), {
    Pending: "waiting",
    InProgress: "waiting",
    Delayed: "waiting",
    Cancelling: "waiting",
    Success: "succeeded",
    Failed: "failed",
    TimedOut: "failed",
    Cancelled: "failed",
    Undeliverable: "failed",
    Terminated: "failed",
    Whatever: "failed",
  });
});

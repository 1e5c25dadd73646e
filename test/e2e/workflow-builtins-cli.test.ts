/**
 * The new built-ins as a user meets them through the CLI and the config: `workflow validate`
 * lists them and refuses bad parameters (exit 2, LB_WORKFLOW_INVALID, the step named) before
 * anything runs; `workflow run` of an `aws-ssm-run` step goes through the environment's source
 * connection (moto) as configured in `providers`.
 */
import { strict as assert } from "node:assert";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ListCommandsCommand, SSMClient } from "@aws-sdk/client-ssm";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import { jsonOf, makeTempDir, runLifeboat } from "./cli.js";
import { ConfigBuilder } from "./config-builder.js";

const temp = makeTempDir();
let moto: MotoServer;
before(async () => {
  moto = await startMoto();
});
after(async () => {
  await moto?.stop();
  temp.remove();
});

const awsEnv = {
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
  AWS_CONFIG_FILE: "/nonexistent",
  AWS_EC2_METADATA_DISABLED: "true",
};

function project(name: string, workflows: Record<string, unknown>): string {
  const dir = join(temp.path, name);
  mkdirSync(dir, { recursive: true });
  ConfigBuilder.shop({ endpoint: moto.endpoint }).set("workflows", workflows).writeTo(dir);
  return dir;
}

test("validate lists the built-ins and refuses bad parameters before anything runs", async () => {
  const dir = project("bad", {
    broken: {
      steps: [
        {
          id: "remote",
          action: "ssh",
          target: { machine: { host: "db1" } },
          with: { command: "true", hostKeyChecking: "off" },
        },
        {
          id: "up",
          action: "wait-healthy",
          with: { http: { url: "http://db1/" }, tcp: { host: "db1", port: 5432 } },
        },
        { id: "freeze-root", action: "fsfreeze", target: { volume: { mountpoint: "/" } } },
      ],
    },
  });
  const validate = await runLifeboat(["workflow", "validate", "--json"], { cwd: dir, env: awsEnv });
  assert.equal(validate.code, 2, validate.stdout + validate.stderr);
  const out = jsonOf<{ error: { code: string; details: { problems: { step: string }[] } } }>(
    validate,
  );
  assert.equal(out.error.code, "LB_WORKFLOW_INVALID");
  assert.deepEqual(
    out.error.details.problems.map((p) => p.step),
    ["remote", "up", "freeze-root"],
  );
  const ok = project("ok", {
    fine: {
      steps: [{ id: "up", action: "wait-healthy", with: { tcp: { host: "127.0.0.1", port: 9 } } }],
    },
  });
  const listed = await runLifeboat(["workflow", "validate", "--json"], { cwd: ok, env: awsEnv });
  assert.equal(listed.code, 0, listed.stderr);
  const names = jsonOf<{ plugins: { name: string }[] }>(listed).plugins.map((p) => p.name);
  for (const action of ["ssh", "fsfreeze", "fsthaw", "wait-healthy", "aws-ssm-run"]) {
    assert.ok(names.includes(`lifeboat.action.${action}`), action);
  }
});

test("workflow run: aws-ssm-run sends the script through the environment's source connection", async () => {
  const dir = project("ssm", {
    warm: {
      environment: "shop",
      steps: [
        {
          id: "warm-cache",
          action: "aws-ssm-run",
          target: { machine: { instanceId: "i-0123456789abcdef0" } },
          with: { commands: ["/opt/shop/bin/warm-cache"], every: "100ms" },
        },
      ],
    },
  });
  const run = await runLifeboat(["workflow", "run", "warm", "--json"], { cwd: dir, env: awsEnv });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const { report } = jsonOf<{
    report: { runId: string; steps: { outputs: { commandId: string } }[] };
  }>(run);
  // The shop's source connection `east` is us-east-1: the command is there.
  const ssm = new SSMClient(motoClientConfig(moto, "us-east-1"));
  try {
    const commands = (await ssm.send(new ListCommandsCommand({}))).Commands ?? [];
    const sent = commands.find((c) => c.Comment === `lifeboat ${report.runId}/warm-cache`);
    assert.equal(sent?.CommandId, report.steps[0]?.outputs.commandId);
    assert.deepEqual(sent?.Parameters?.commands, ["/opt/shop/bin/warm-cache"]);
  } finally {
    ssm.destroy();
  }
});

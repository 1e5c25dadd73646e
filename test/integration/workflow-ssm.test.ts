/**
 * `aws-ssm-run` against moto through the real AWS adapter (src/providers/aws/aws-ssm-commands.ts)
 * and the real runner: SendCommand with AWS-RunShellScript to the target instances, polling
 * GetCommandInvocation to `Success`, and adoption of an earlier attempt's command by its
 * comment (ListCommands). moto only pretends to run the script: every invocation is `Success`
 * with exit 0 and empty output, and CancelCommand is not implemented, so failure statuses are
 * covered by the status-mapping unit test (src/plugins/builtin/builtins-validate.test.ts).
 */
import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import { ListCommandsCommand, SSMClient } from "@aws-sdk/client-ssm";
import { systemClock } from "../../src/model/clock.js";
import { silentLogger } from "../../src/model/logger.js";
import { awsSsmRunPlugin } from "../../src/plugins/builtin/aws-ssm-run.js";
import type { PluginContext } from "../../src/plugins/plugin-api.js";
import { awsRemoteShell, type AwsRemoteShell } from "../../src/providers/aws/aws-ssm-commands.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import { builtinRegistry, runSteps, stepOf } from "./workflow-builtins-fixture.js";

const region = "eu-west-1";
const instances = ["i-0aaaaaaaaaaaaaaa1", "i-0bbbbbbbbbbbbbbb2"];

describe("aws-ssm-run against moto", () => {
  let moto: MotoServer;
  let shell: AwsRemoteShell;
  let ssm: SSMClient;
  const asked: (string | undefined)[] = [];
  before(async () => {
    moto = await startMoto();
    const options = motoClientConfig(moto, region);
    shell = awsRemoteShell((connection, environment) => {
      asked.push(connection, environment);
      return { name: connection ?? "primary", options };
    });
    ssm = new SSMClient(options);
  });
  after(async () => {
    shell?.destroy();
    ssm?.destroy();
    await moto?.stop();
  });

  const commandsWith = async (comment: string) =>
    ((await ssm.send(new ListCommandsCommand({}))).Commands ?? []).filter(
      (c) => c.Comment === comment,
    );

  test("sends AWS-RunShellScript to the target instances and waits for Success", async () => {
    const { report } = await runSteps(
      [
        {
          id: "restart-app",
          action: "aws-ssm-run",
          target: instances.map((instanceId) => ({ machine: { instanceId } })),
          with: {
            commands: ["systemctl restart shop", "systemctl is-active shop"],
            executionTimeout: "1m",
            every: "50ms",
          },
        },
      ],
      builtinRegistry([awsSsmRunPlugin(shell)]),
    );
    assert.equal(report.phase, "succeeded", JSON.stringify(report.error));
    const outputs = stepOf(report, "restart-app").outputs as Record<string, unknown>;
    assert.equal(outputs.adopted, false);
    const results = outputs.results as { instanceId: string; status: string; exitCode: number }[];
    assert.deepEqual(
      results.map((r) => [r.instanceId, r.status, r.exitCode]),
      instances.map((id) => [id, "Success", 0]),
    );
    const [command, ...more] = await commandsWith(`lifeboat ${report.runId}/restart-app`);
    assert.equal(more.length, 0);
    assert.equal(command?.CommandId, outputs.commandId);
    assert.equal(command?.DocumentName, "AWS-RunShellScript");
    assert.deepEqual(command?.Parameters, {
      commands: ["systemctl restart shop", "systemctl is-active shop"],
      executionTimeout: ["60"],
    });
    assert.deepEqual([...(command?.InstanceIds ?? [])].sort(), instances);
    // No `with.connection`: the environment's default connection was asked for.
    assert.deepEqual(asked.slice(0, 2), [undefined, "shop"]);
  });

  test("a second attempt of the same step adopts the command the first one sent", async () => {
    const plugin = awsSsmRunPlugin(shell);
    const params = plugin.configSchema.safeParse({ commands: "touch /tmp/once", every: "50ms" });
    assert.ok(params.success);
    const ctx = (): PluginContext<typeof params.data, never> => ({
      runId: "run-adopt",
      stepId: "once",
      environment: "shop",
      idempotencyKey: "run-adopt/once",
      params: params.data,
      targets: [{ kind: "machine", instanceId: instances[0] ?? "" }] as never[],
      pair: null,
      signal: new AbortController().signal,
      logger: silentLogger,
      clock: systemClock,
      env: () => undefined,
      journal: async () => undefined,
    });
    const first = (await plugin.execute(ctx())) as Record<string, unknown>;
    const second = (await plugin.execute(ctx())) as Record<string, unknown>;
    assert.equal(first.adopted, false);
    assert.equal(second.adopted, true);
    assert.equal(second.commandId, first.commandId);
    assert.equal((await commandsWith("lifeboat run-adopt/once")).length, 1);
  });
});

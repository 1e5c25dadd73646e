/**
 * The failback's `rebuild` step against moto (docs/recovery.md, "Failback"): a primary machine
 * that survived is adopted as it is; one terminated during the outage is launched again in the
 * primary's region from its captured spec (same subnet, groups, image, tags), and a rerun
 * adopts the launched machine instead of launching another. The spec here asks for no private
 * IP: moto keeps a terminated instance's interface and address, and answers a launch that asks
 * for that address with HTTP 500 (on AWS the primary interface goes with the instance).
 */
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import {
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import type { ExecutableStep } from "../../src/execute/execution-plan.js";
import { AwsConnection } from "../../src/providers/aws/aws-connection.js";
import { awsRebuildHandler } from "../../src/providers/aws/apply/rebuild-handler.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import { stepContext } from "./volume-step-fixture.js";

const region = "us-east-1";
let moto: MotoServer;
let connection: AwsConnection;
let ec2: EC2Client;

before(async () => {
  moto = await startMoto();
  connection = new AwsConnection({ ...motoClientConfig(moto, region), maxConcurrency: 8 });
  ec2 = new EC2Client(motoClientConfig(moto, region));
});

after(async () => {
  ec2?.destroy();
  connection?.destroy();
  await moto?.stop();
});

const context = (key: string, input: unknown) => stepContext("run-failback-rebuild", key, input);

/** A machine in the default network and the rebuild input a failback plans for it. */
async function primaryMachine() {
  const subnet = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets!.find(
    (s) => s.AvailabilityZone === `${region}a`,
  )!;
  const group = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups![0]!;
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: "ami-12c6146b",
      MinCount: 1,
      MaxCount: 1,
      InstanceType: "t3.micro",
      SubnetId: subnet.SubnetId,
      SecurityGroupIds: [group.GroupId!],
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "app", Value: "shop" }] }],
    }),
  );
  const machine = run.Instances![0]!;
  const input = {
    connection: "east",
    machine: machine.InstanceId!,
    spec: {
      name: "shop-bastion",
      location: { region, zone: `${region}a` },
      tags: { app: "shop", "lifeboat:source-id": `machine:${machine.InstanceId!}` },
      properties: {
        instanceType: "t3.micro",
        image: "ami-12c6146b",
        subnet: subnet.SubnetId!,
        groups: [group.GroupId!],
        privateIps: [] as string[],
        blockDevices: [],
        ebsOptimized: false,
        monitoring: false,
      },
    },
  };
  return { machine, input, subnet: subnet.SubnetId!, group: group.GroupId! };
}

const step = (machine: string): ExecutableStep => ({
  id: `rebuild:machine:${machine}`,
  kind: "rebuild",
  dependsOn: [],
  idempotencyKey: "k",
  input: {},
  resource: `machine:${machine}`,
  resourceKind: "machine",
});

async function liveMachines(): Promise<string[]> {
  const found = await ec2.send(new DescribeInstancesCommand({}));
  return (found.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.State?.Name !== "terminated")
    .map((i) => i.InstanceId!);
}

test("a surviving machine is adopted; nothing is launched", async () => {
  const { machine, input } = await primaryMachine();
  const before = await liveMachines();
  const result = await awsRebuildHandler(() => connection).execute(
    step(machine.InstanceId!),
    context("run-1/alive", input),
  );
  assert.deepEqual(result.outputs, { id: machine.InstanceId, rebuilt: false });
  assert.equal(result.resolution, "adopted");
  assert.deepEqual(await liveMachines(), before);
});

test("a terminated machine is launched again from its spec; a rerun adopts it", async () => {
  const { machine, input, subnet, group } = await primaryMachine();
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [machine.InstanceId!] }));
  const before = (await liveMachines()).length;
  const handler = awsRebuildHandler(() => connection);
  const first = await handler.execute(step(machine.InstanceId!), context("run-1/gone", input));
  const out = first.outputs as { id: string; rebuilt: boolean; replaces: string };
  assert.equal(first.resolution, "created");
  assert.equal(out.rebuilt, true);
  assert.equal(out.replaces, machine.InstanceId);
  assert.notEqual(out.id, machine.InstanceId);
  const made = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [out.id] })))
    .Reservations?.[0]?.Instances?.[0];
  assert.equal(made?.SubnetId, subnet);
  assert.deepEqual(
    made?.SecurityGroups?.map((g) => g.GroupId),
    [group],
  );
  assert.equal(made?.ImageId, "ami-12c6146b");
  assert.ok(made?.PrivateIpAddress);
  assert.equal(made?.Tags?.find((t) => t.Key === "app")?.Value, "shop");
  assert.equal((await liveMachines()).length, before + 1);

  const again = await handler.execute(step(machine.InstanceId!), context("run-1/gone", input));
  assert.equal(again.resolution, "adopted");
  assert.equal((again.outputs as { id: string }).id, out.id);
  assert.equal((await liveMachines()).length, before + 1);
});

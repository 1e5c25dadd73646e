// The failover step kinds on moto, run by the real executor: `dns-ttl` and `dns-move` change
// the shop's public zone (alias to a us-west-2 load balancer, CNAME, A records; TTLs honoured)
// and teardown puts every record back; `fence` scales the primary's group to 0 and stops its
// instance, teardown releases it; a primary whose API does not answer is recorded, not fatal.
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstancesCommand, DescribeSubnetsCommand } from "@aws-sdk/client-ec2";
import { CreateLoadBalancerCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ListResourceRecordSetsCommand, type ResourceRecordSet } from "@aws-sdk/client-route-53";
import { Executor } from "../../src/execute/executor.js";
import type { ExecutableStep } from "../../src/execute/execution-plan.js";
import { awsFailoverHandlers } from "../../src/providers/aws/apply/failover-handlers.js";
import { AwsConnection } from "../../src/providers/aws/aws-connection.js";
import { createEnvironment } from "../../src/store/environments-repo.js";
import { openStore } from "../../src/store/open-store.js";
import { listStepEvents } from "../../src/store/step-events-repo.js";
import { getStep } from "../../src/store/steps-repo.js";
import type { Store } from "../../src/store/store.js";
import { shopEnvironment } from "../builders/shop-environment.js";
import type { ShopEnvironment } from "../builders/shop-types.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { freePort } from "../harness/free-port.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";

let moto: MotoServer;
let clients: AwsClients;
let shop: ShopEnvironment;
let west: { arn: string; dnsName: string; zoneId: string };
let store: Store;
let executor: Executor;
const connections = new Map<string, AwsConnection>();

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
  shop = await shopEnvironment(clients).inRegion("us-east-1").withExtraRecords(1).build();
  // A load balancer in us-west-2's default network: where the records move to.
  const { ec2, elbv2 } = clients.region("us-west-2");
  const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
  const made = await elbv2.send(
    new CreateLoadBalancerCommand({
      Name: "shop-dr",
      Subnets: subnets.slice(0, 2).map((s) => s.SubnetId!),
    }),
  );
  const lb = made.LoadBalancers![0]!;
  west = { arn: lb.LoadBalancerArn!, dnsName: lb.DNSName!, zoneId: lb.CanonicalHostedZoneId! };
  connections.set("east", new AwsConnection(motoClientConfig(moto, "us-east-1")));
  connections.set("west", new AwsConnection(motoClientConfig(moto, "us-west-2")));
  // Nothing listens there: the primary region "is down".
  const dead = `http://127.0.0.1:${await freePort()}`;
  connections.set(
    "down",
    new AwsConnection({ ...motoClientConfig(moto, "us-east-1"), endpoint: dead }),
  );
  store = await openStore("sqlite::memory:");
  await createEnvironment(store, { name: "shop", configDigest: "d" });
  executor = new Executor({
    store,
    handlers: awsFailoverHandlers((name) => connections.get(name)!),
  });
});

after(async () => {
  for (const c of connections.values()) c.destroy();
  await store?.close();
  clients?.destroy();
  await moto?.stop();
});

const step = (id: string, kind: string, input: object, dependsOn: string[] = []) =>
  ({ id, kind, dependsOn, idempotencyKey: id, input }) as ExecutableStep;

async function runSteps(...steps: ExecutableStep[]) {
  const outcome = await executor.recover({
    environment: "shop",
    mode: "failover",
    plan: { steps },
  });
  assert.equal(outcome.run.phase, "succeeded", JSON.stringify(outcome.run.error));
  return outcome.run.id;
}

async function record(name: string): Promise<ResourceRecordSet | undefined> {
  const { route53 } = clients.region("us-east-1");
  const listed = await route53.send(
    new ListResourceRecordSetsCommand({ HostedZoneId: shop.dns.hostedZoneId }),
  );
  return listed.ResourceRecordSets?.find((r) => r.Name === `${name}.`);
}

test("dns-ttl lowers, dns-move points the apex alias and a CNAME at us-west-2; teardown restores", async () => {
  const apex = shop.dns.shopRecordName;
  const www = shop.dns.extraRecordNames[0]!;
  const before = { apex: await record(apex), www: await record(www) };
  assert.equal(before.www?.TTL, 300);
  const zone = { connection: "west", zone: shop.dns.zoneName, records: [apex, www] };
  const runId = await runSteps(
    step("ttl", "dns-ttl", { ...zone, ttl: 60 }),
    step("move", "dns-move", { ...zone, to: { loadBalancer: west.arn } }, ["ttl"]),
  );
  const alias = (await record(apex))?.AliasTarget;
  assert.equal(alias?.DNSName?.replace(/\.$/, ""), west.dnsName);
  assert.equal(alias?.HostedZoneId, west.zoneId);
  const cname = await record(www);
  assert.equal(cname?.Type, "CNAME");
  assert.deepEqual(cname?.ResourceRecords, [{ Value: west.dnsName }]);
  assert.equal(cname?.TTL, 60, "the lowered TTL is kept by the move");

  // The same move again changes nothing.
  const again = await runSteps(
    step("move", "dns-move", { ...zone, to: { loadBalancer: west.arn } }),
  );
  const outputs = (await getStep(store, again, "move"))?.outputs as {
    records: { changed: boolean }[];
  };
  assert.deepEqual(
    outputs.records.map((r) => r.changed),
    [false, false],
  );

  const teardown = await executor.teardown(runId);
  assert.equal(teardown.run.phase, "succeeded");
  assert.equal((await record(apex))?.AliasTarget?.DNSName, before.apex?.AliasTarget?.DNSName);
  assert.deepEqual((await record(www))?.ResourceRecords, before.www?.ResourceRecords);
  assert.equal((await record(www))?.TTL, 300);
});

test("dns-move to addresses makes A records (replacing a CNAME); teardown puts the CNAME back", async () => {
  const www = shop.dns.extraRecordNames[0]!;
  const api = `api.${shop.dns.zoneName}`;
  const runId = await runSteps(
    step("move", "dns-move", {
      connection: "east",
      zone: shop.dns.zoneName,
      records: [www, api],
      to: { addresses: ["198.51.100.7", "198.51.100.8"] },
      ttl: 30,
    }),
  );
  for (const name of [www, api]) {
    const a = await record(name);
    assert.equal(a?.Type, "A");
    assert.equal(a?.TTL, 30);
    assert.deepEqual(a?.ResourceRecords?.map((r) => r.Value).sort(), [
      "198.51.100.7",
      "198.51.100.8",
    ]);
  }
  await executor.teardown(runId);
  assert.equal((await record(www))?.Type, "CNAME");
  assert.equal(await record(api), undefined, "a record the move created is deleted");
});

test("a CNAME cannot be placed at the apex: LB_INVALID_INPUT, nothing changed", async () => {
  const apex = shop.dns.shopRecordName;
  const before = await record(apex);
  const outcome = await executor.recover({
    environment: "shop",
    mode: "failover",
    plan: {
      steps: [
        step("move", "dns-move", {
          connection: "west",
          zone: shop.dns.zoneName,
          records: [apex],
          to: { dnsName: "elsewhere.example.net" },
        }),
      ],
    },
  });
  assert.equal(outcome.run.phase, "failed");
  assert.equal(outcome.run.error?.code, "LB_INVALID_INPUT");
  assert.deepEqual(await record(apex), before);
});

test("fence scales the group to 0 and stops the instance; teardown releases both", async () => {
  const { autoscaling, ec2 } = clients.region("us-east-1");
  const groupName = shop.compute.autoScalingGroupName;
  const group = async () =>
    (
      await autoscaling.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }),
      )
    ).AutoScalingGroups![0]!;
  const state = async (id: string) =>
    (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!
      .Instances![0]!.State?.Name;
  const captured = await group();
  const bastion = shop.compute.bastionInstanceId;
  const input = {
    connection: "east",
    scalingGroups: [
      {
        name: groupName,
        minSize: captured.MinSize!,
        maxSize: captured.MaxSize!,
        desiredCapacity: captured.DesiredCapacity!,
      },
    ],
    instances: [bastion, "i-0000000000000dead"],
  };
  const runId = await runSteps(step("fence", "fence", input));
  const fenced = await group();
  assert.equal(fenced.MinSize, 0);
  assert.equal(fenced.DesiredCapacity, 0);
  assert.equal(fenced.MaxSize, captured.MaxSize);
  assert.equal(await state(bastion), "stopped");
  const outputs = (await getStep(store, runId, "fence"))?.outputs as {
    reachable: boolean;
    instances: { stopped: string[]; missing: string[] };
  };
  assert.equal(outputs.reachable, true);
  assert.deepEqual(outputs.instances, {
    stopped: [bastion],
    alreadyStopped: [],
    missing: ["i-0000000000000dead"],
  });
  // Fencing again is a no-op.
  const again = await runSteps(step("fence", "fence", input));
  const second = (await getStep(store, again, "fence"))?.outputs as { instances: object };
  assert.deepEqual(second.instances, {
    stopped: [],
    alreadyStopped: [bastion],
    missing: ["i-0000000000000dead"],
  });

  await executor.teardown(runId);
  const released = await group();
  assert.equal(released.MinSize, captured.MinSize);
  assert.equal(released.DesiredCapacity, captured.DesiredCapacity);
  assert.equal(await state(bastion), "running");
});

test("a primary whose API does not answer is recorded as unfenced; the step still succeeds", async () => {
  const runId = await runSteps(
    step("fence", "fence", {
      connection: "down",
      scalingGroups: [{ name: "web", minSize: 2, maxSize: 4, desiredCapacity: 2 }],
      instances: ["i-0123456789abcdef0"],
    }),
  );
  const outputs = (await getStep(store, runId, "fence"))?.outputs;
  assert.equal(outputs?.reachable, false);
  const journal = await listStepEvents(store, runId);
  assert.ok(journal.some((e) => e.type === "handler.fence.unreachable" && e.stepId === "fence"));
});

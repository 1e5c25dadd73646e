// The AWS appliers the shop does not exercise — a data volume and a second interface attached
// to a machine, group rules naming their own group, a private zone and a record in it — each
// executed twice (created, then adopted / unchanged) and undone twice (deleted, then absent)
// against moto's us-west-2, which ends where it began.
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import type { ExecutableStep } from "../../src/execute/execution-plan.js";
import type { StepContext, StepHandlers } from "../../src/execute/step-handler.js";
import { systemClock } from "../../src/model/clock.js";
import { silentLogger } from "../../src/model/logger.js";
import { awsStepHandlers } from "../../src/providers/aws/apply/aws-step-handlers.js";
import type { JsonObject, JsonValue } from "../../src/store/codec.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";
import { countRegion, target, type Counts } from "./recover-fixture.js";

let moto: MotoServer;
let clients: AwsClients;
let handlers: StepHandlers;
let baseline: Counts;
const runId = "parts-run";
const outputs = new Map<string, JsonObject>();
const done: ExecutableStep[] = [];

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
  handlers = awsStepHandlers({ ...motoClientConfig(moto, target), maxConcurrency: 4 });
  baseline = await countRegion(clients.region(target));
});

after(async () => {
  clients?.destroy();
  await moto?.stop();
});

const context = (step: ExecutableStep): StepContext => ({
  runId,
  environment: "parts",
  idempotencyKey: `${runId}/${step.id}`,
  input: step.input,
  dependencyOutputs: outputs,
  attempt: 1,
  signal: new AbortController().signal,
  logger: silentLogger,
  clock: systemClock,
  journal: async () => undefined,
});

/** Runs a step twice: the second call must find what the first made. */
async function twice(kind: string, resourceKind: string, resource: string, input: JsonValue) {
  const step: ExecutableStep = {
    id: `${kind}:${resource}`,
    kind,
    resourceKind,
    resource,
    dependsOn: [],
    idempotencyKey: `${kind}:${resource}`,
    input,
  };
  const handler = handlers[kind];
  assert.ok(handler);
  const first = await handler.execute(step, context(step));
  const second = await handler.execute(step, context(step));
  if (kind === "create") {
    assert.equal(first.resolution, "created", step.id);
    assert.equal(second.resolution, "adopted", step.id);
  }
  assert.equal(second.outputs.id, first.outputs.id, step.id);
  outputs.set(step.id, first.outputs);
  done.push(step);
  return String(first.outputs.id);
}

const spec = (name: string, properties: JsonValue, zone?: string): JsonValue => ({
  name,
  location: zone ? { region: target, zone } : { region: target },
  tags: { Name: name },
  properties,
});

test("volumes, interfaces, self-referencing rules and private DNS: created once, then adopted", async () => {
  const vpc = await twice(
    "create",
    "network",
    "network:n1",
    spec("n1", { cidrBlock: "10.9.0.0/16" }),
  );
  const subnet = await twice(
    "create",
    "subnet",
    "subnet:s1",
    spec("s1", { network: vpc, cidrBlock: "10.9.1.0/24" }, "us-west-2a"),
  );
  const group = await twice(
    "create",
    "security-group",
    "security-group:g1",
    spec("g1", { network: vpc, groupName: "parts-g1", description: "parts" }),
  );
  const rules = {
    group,
    ingress: [
      { protocol: "tcp", fromPort: 5432, toPort: 5432, peer: group },
      { protocol: "tcp", fromPort: 22, toPort: 22, peer: "198.51.100.0/24" },
      { protocol: "tcp", fromPort: 9, toPort: 9, peer: { external: "security-group:sg-gone" } },
    ],
    egress: [{ protocol: "-1", peer: "0.0.0.0/0" }],
  };
  const added = await handlers.configure!.execute(
    stepOf("configure", "security-group", "security-group:g1", rules),
    context(stepOf("configure", "security-group", "security-group:g1", rules)),
  );
  assert.equal(added.outputs.added, 2, "two rules added; the external peer and default egress not");
  await twice("configure", "security-group", "security-group:g1", rules);
  const closed = await twice(
    "create",
    "security-group",
    "security-group:g2",
    spec("g2", { network: vpc, groupName: "parts-g2", description: "no egress" }),
  );
  const none = { group: closed, ingress: [], egress: [] };
  const first = await handlers.configure!.execute(
    stepOf("configure", "security-group", "security-group:g2", none),
    context(stepOf("configure", "security-group", "security-group:g2", none)),
  );
  assert.equal(first.outputs.revoked, 1, "the new group's allow-all egress is revoked");
  await twice("configure", "security-group", "security-group:g2", none);
  const { DescribeSecurityGroupsCommand } = await import("@aws-sdk/client-ec2");
  const described = await clients
    .region(target)
    .ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [closed] }));
  assert.deepEqual(described.SecurityGroups?.[0]?.IpPermissionsEgress ?? [], []);
  const machine = await twice(
    "create",
    "machine",
    "machine:m1",
    spec(
      "m1",
      {
        instanceType: "t3.micro",
        image: "ami-12345678",
        subnet,
        groups: [group],
        privateIps: ["10.9.1.10", "10.9.1.11"],
        userData: Buffer.from("#!/bin/sh\necho hi\n").toString("base64"),
        monitoring: false,
        ebsOptimized: false,
      },
      "us-west-2a",
    ),
  );
  const volume = await twice(
    "create",
    "volume",
    "volume:v1",
    spec("v1", { size: 10, volumeType: "gp3", attachments: [] }, "us-west-2a"),
  );
  await twice("configure", "volume", "volume:v1", {
    volume,
    attachments: [{ machine, device: "/dev/sdf" }],
  });
  const eni = await twice(
    "create",
    "network-interface",
    "network-interface:e1",
    spec("e1", { subnet, groups: [group], description: "second", privateIps: [] }, "us-west-2a"),
  );
  await twice("configure", "network-interface", "network-interface:e1", {
    networkInterface: eni,
    attachment: { machine, deviceIndex: 1 },
  });
  const zone = await twice(
    "create",
    "dns-zone",
    "dns-zone:z1",
    spec("z1", { zoneName: "parts.internal", private: true, networks: [vpc] }),
  );
  await twice(
    "create",
    "dns-record",
    "dns-record:r1",
    spec("r1", {
      zone,
      recordName: "db.parts.internal",
      type: "A",
      ttl: 60,
      values: ["10.9.1.10"],
    }),
  );
  const subnet2 = await twice(
    "create",
    "subnet",
    "subnet:s2",
    spec("s2", { network: vpc, cidrBlock: "10.9.2.0/24" }, "us-west-2b"),
  );
  const lb = await twice(
    "create",
    "load-balancer",
    "load-balancer:lb1",
    spec("parts-lb", {
      type: "application",
      scheme: "internal",
      ipAddressType: "ipv4",
      subnets: [subnet, subnet2],
      groups: [group],
      attributes: { "idle_timeout.timeout_seconds": "60" },
    }),
  );
  const tg = await twice(
    "create",
    "target-group",
    "target-group:tg1",
    spec("parts-tg", {
      network: vpc,
      targetType: "instance",
      protocol: "HTTP",
      port: 8080,
      healthCheck: { path: "/health", protocol: "HTTP" },
    }),
  );
  await twice("register", "target-group", "target-group:tg1", {
    targetGroup: tg,
    targets: [{ target: machine, port: 8080 }],
  });
  const forward = [{ type: "forward", forward: [{ targetGroup: tg, weight: 1 }] }];
  await twice(
    "create",
    "listener",
    "listener:lb1:80",
    spec("parts-lb:80", {
      loadBalancer: lb,
      port: 80,
      protocol: "HTTP",
      certificates: [],
      defaultActions: forward,
      rules: [
        {
          priority: "10",
          conditions: [{ Field: "path-pattern", Values: ["/api/*"] }],
          actions: forward,
        },
      ],
    }),
  );
  const { DescribeListenersCommand, DescribeRulesCommand } =
    await import("@aws-sdk/client-elastic-load-balancing-v2");
  const { elbv2 } = clients.region(target);
  const listeners = await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb }));
  const listenerRules = await elbv2.send(
    new DescribeRulesCommand({ ListenerArn: listeners.Listeners?.[0]?.ListenerArn }),
  );
  assert.deepEqual(
    (listenerRules.Rules ?? []).map((r) => r.Priority).sort(),
    ["10", "default"],
    "the rule once, after two calls",
  );
  const subnetGroup = await twice(
    "create",
    "db-subnet-group",
    "db-subnet-group:dbs1",
    spec("parts-dbs", {
      groupName: "parts-dbs",
      description: "parts",
      subnets: [subnet, subnet2],
    }),
  );
  const database = {
    engine: "postgres",
    engineVersion: "16.3",
    instanceClass: "db.t3.micro",
    allocatedStorage: 20,
    storageEncrypted: false,
    multiAz: false,
    subnetGroup,
    groups: [group],
    port: 5432,
    masterUsername: "parts",
    dbName: "parts",
    backupRetentionPeriod: 1,
    publiclyAccessible: false,
    deletionProtection: true,
    iamAuthentication: false,
    autoMinorVersionUpgrade: true,
    copyTagsToSnapshot: false,
  };
  const db = await twice(
    "create",
    "database",
    "database:db1",
    spec("parts-db", database, "us-west-2a"),
  );
  const { CreateDBSnapshotCommand, DescribeDBInstancesCommand } =
    await import("@aws-sdk/client-rds");
  const { rds } = clients.region(target);
  await rds.send(
    new CreateDBSnapshotCommand({ DBInstanceIdentifier: db, DBSnapshotIdentifier: "parts-snap" }),
  );
  const restored = await twice(
    "create",
    "database",
    "database:db2",
    spec("parts-restored", { ...database, snapshot: "parts-snap" }, "us-west-2b"),
  );
  const found = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: restored }));
  const instance = found.DBInstances?.[0];
  assert.equal(instance?.AvailabilityZone, "us-west-2b", "restored into the mapped zone");
  assert.equal(instance?.DBSubnetGroup?.DBSubnetGroupName, "parts-dbs");
  const now = await countRegion(clients.region(target));
  assert.equal(now.machine! - baseline.machine!, 1);
  assert.equal(now.volume! - baseline.volume!, 2, "root and data volume");
  assert.ok(outputs.get("create:machine:m1")?.privateIp === "10.9.1.10");
});

test("undo in reverse order deletes each once, then finds nothing", async () => {
  const results: string[] = [];
  for (const step of [...done].reverse()) {
    const handler = handlers[step.kind];
    if (!handler?.undo) continue;
    const ctx = context(step);
    const first = await handler.undo(step, outputs.get(step.id) ?? null, ctx);
    const again = await handler.undo(step, null, ctx);
    results.push(`${step.id}=${first}/${again}`);
    assert.equal(again, "absent", step.id);
  }
  assert.ok(results.filter((r) => r.includes("=deleted")).length >= 9, results.join(" "));
  assert.deepEqual(await countRegion(clients.region(target)), baseline);
});

function stepOf(kind: string, resourceKind: string, resource: string, input: JsonValue) {
  return {
    id: `${kind}:${resource}`,
    kind,
    resourceKind,
    resource,
    dependsOn: [],
    idempotencyKey: `${kind}:${resource}`,
    input,
  };
}

import { strict as assert } from "node:assert";
import { after, before, describe, test } from "node:test";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { StartSnapshotCommand } from "@aws-sdk/client-ebs";
import {
  CreateVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeVpcsCommand,
} from "@aws-sdk/client-ec2";
import { DescribeLoadBalancersCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { ListHostedZonesCommand } from "@aws-sdk/client-route-53";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { startMoto, type MotoServer } from "../harness/moto.js";

/** Creates a VPC carrying a probe tag and returns its id. */
async function probeVpc(clients: AwsClients, region: string, probe: string): Promise<string> {
  const { Vpc } = await clients.region(region).ec2.send(
    new CreateVpcCommand({
      CidrBlock: "10.9.0.0/16",
      TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "probe", Value: probe }] }],
    }),
  );
  assert.ok(Vpc?.VpcId, "CreateVpc returned no id");
  return Vpc.VpcId;
}

/** Ids of the VPCs tagged `probe=<probe>` that `region` can see. */
async function probeVpcs(clients: AwsClients, region: string, probe: string): Promise<string[]> {
  const { Vpcs } = await clients
    .region(region)
    .ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:probe", Values: [probe] }] }));
  return (Vpcs ?? []).map((vpc) => vpc.VpcId ?? "?");
}

describe("moto harness", () => {
  let moto: MotoServer;
  let clients: AwsClients;
  before(async () => {
    moto = await startMoto();
    clients = awsClients(moto);
  });
  after(async () => {
    clients?.destroy();
    await moto?.stop();
  });

  test("clients are cached per region", () => {
    assert.equal(clients.region("us-east-1"), clients.region("us-east-1"));
    assert.notEqual(clients.region("us-east-1").ec2, clients.region("us-west-2").ec2);
    assert.equal(clients.region("us-west-2").region, "us-west-2");
  });

  test("every client reaches its service in the region it was built for", async () => {
    const west = clients.region("us-west-2");
    const { AvailabilityZones } = await west.ec2.send(new DescribeAvailabilityZonesCommand({}));
    const zones = (AvailabilityZones ?? []).map((zone) => zone.ZoneName);
    assert.ok(zones.length >= 3, `zones: ${zones.join(",")}`);
    assert.ok(
      zones.every((zone) => zone?.startsWith("us-west-2")),
      `zones: ${zones.join(",")}`,
    );

    const identity = await west.sts.send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Account, "123456789012");
    const elb = await west.elbv2.send(new DescribeLoadBalancersCommand({}));
    assert.deepEqual(elb.LoadBalancers, []);
    const asg = await west.autoscaling.send(new DescribeAutoScalingGroupsCommand({}));
    assert.deepEqual(asg.AutoScalingGroups, []);
    const rds = await west.rds.send(new DescribeDBInstancesCommand({}));
    assert.deepEqual(rds.DBInstances, []);
    const r53 = await west.route53.send(new ListHostedZonesCommand({}));
    assert.deepEqual(r53.HostedZones, []);
    const snapshot = await west.ebs.send(new StartSnapshotCommand({ VolumeSize: 1 }));
    assert.match(snapshot.SnapshotId ?? "", /^snap-/);

    // Path-style S3: a virtual-host request would go to bucket.127.0.0.1 and never arrive.
    await west.s3.send(
      new CreateBucketCommand({
        Bucket: "harness-probe",
        CreateBucketConfiguration: { LocationConstraint: "us-west-2" },
      }),
    );
    await west.s3.send(
      new PutObjectCommand({ Bucket: "harness-probe", Key: "a/b.txt", Body: "hello moto" }),
    );
    const object = await west.s3.send(
      new GetObjectCommand({ Bucket: "harness-probe", Key: "a/b.txt" }),
    );
    assert.equal(await object.Body?.transformToString(), "hello moto");
  });

  test("regions are isolated: us-east-1 and us-west-2 do not see each other's resources", async () => {
    const east = await probeVpc(clients, "us-east-1", "regions");
    const west = await probeVpc(clients, "us-west-2", "regions");
    assert.deepEqual(await probeVpcs(clients, "us-east-1", "regions"), [east]);
    assert.deepEqual(await probeVpcs(clients, "us-west-2", "regions"), [west]);
    await assert.rejects(
      clients.region("us-west-2").ec2.send(new DescribeVpcsCommand({ VpcIds: [east] })),
      { name: "InvalidVpcID.NotFound" },
    );
  });

  test("reset() wipes every backend", async () => {
    const vpc = await probeVpc(clients, "us-east-1", "reset");
    await moto.reset();
    assert.deepEqual(await probeVpcs(clients, "us-east-1", "reset"), []);
    await assert.rejects(
      clients.region("us-east-1").ec2.send(new DescribeVpcsCommand({ VpcIds: [vpc] })),
      { name: "InvalidVpcID.NotFound" },
    );
    // The region comes back as new: its default VPC is recreated on first use.
    const { Vpcs } = await clients
      .region("us-east-1")
      .ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
    assert.equal(Vpcs?.length, 1);
  });

  test("a second server shares no state with the first", async () => {
    const other = await startMoto();
    const otherClients = awsClients(other);
    try {
      assert.notEqual(other.endpoint, moto.endpoint);
      const mine = await probeVpc(clients, "us-east-1", "servers");
      const theirs = await probeVpc(otherClients, "us-east-1", "servers");
      assert.deepEqual(await probeVpcs(clients, "us-east-1", "servers"), [mine]);
      assert.deepEqual(await probeVpcs(otherClients, "us-east-1", "servers"), [theirs]);
    } finally {
      otherClients.destroy();
      await other.stop();
    }
  });

  test("stop() ends the moto process and frees its endpoint", async () => {
    const doomed = await startMoto();
    assert.ok(doomed.pid > 0);
    assert.equal((await fetch(`${doomed.endpoint}/moto-api/`)).ok, true);
    await doomed.stop();
    assert.throws(() => process.kill(doomed.pid, 0), { code: "ESRCH" });
    await assert.rejects(fetch(`${doomed.endpoint}/moto-api/`));
    await doomed.stop(); // a second stop is harmless
  });
});

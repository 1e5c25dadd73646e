// `lifeboat failback` end to end against moto through the built CLI: the shop fails over from
// us-east-1 into us-west-2 (`recover --yes`), the primary is fenced the way a failover fences it
// (scaling group to 0, instances stopped), then `failback` is killed with -9 while it tears the
// copy down and `resume` completes it: DNS leads to the us-east-1 load balancer again, us-east-1
// has the same resources by kind as before (adopted, none duplicated), us-west-2 is back at its
// baseline with nothing tagged by the failover run, and the environment is active.
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import {
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeLaunchTemplatesCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
} from "@aws-sdk/client-ec2";
import { listRuns } from "../../src/store/runs-repo.js";
import { listSteps } from "../../src/store/steps-repo.js";
import { countRegion } from "../integration/recover-fixture.js";
import { expectError, expectJson } from "./capture-fixture.js";
import { shopAlias, type FailbackJson } from "./failback-fixture.js";
import {
  recoverWorld,
  runIdOf,
  source,
  spawnLifeboat,
  target,
  workspaceStore,
  type RecoverWorld,
  type ReportJson,
} from "./recover-fixture.js";

let world: RecoverWorld;

before(async () => {
  world = await recoverWorld();
});

after(async () => {
  await world?.close();
});

/**
 * EC2 resources that exist and carry `lifeboat:run=<runId>`. (moto's DescribeTags keeps the
 * tags of deleted resources, so each kind is asked with a tag filter instead.)
 */
async function liveTaggedByRun(region: string, runId: string): Promise<string[]> {
  const { ec2 } = world.clients.region(region);
  const Filters = [{ Name: "tag:lifeboat:run", Values: [runId] }];
  const ids = [
    ...((await ec2.send(new DescribeVpcsCommand({ Filters }))).Vpcs ?? []).map((x) => x.VpcId),
    ...((await ec2.send(new DescribeSubnetsCommand({ Filters }))).Subnets ?? []).map(
      (x) => x.SubnetId,
    ),
    ...((await ec2.send(new DescribeSecurityGroupsCommand({ Filters }))).SecurityGroups ?? []).map(
      (x) => x.GroupId,
    ),
    ...((await ec2.send(new DescribeRouteTablesCommand({ Filters }))).RouteTables ?? []).map(
      (x) => x.RouteTableId,
    ),
    ...(
      (await ec2.send(new DescribeInternetGatewaysCommand({ Filters }))).InternetGateways ?? []
    ).map((x) => x.InternetGatewayId),
    ...((await ec2.send(new DescribeNatGatewaysCommand({ Filter: Filters }))).NatGateways ?? [])
      .filter((x) => x.State === "available" || x.State === "pending")
      .map((x) => x.NatGatewayId),
    ...((await ec2.send(new DescribeAddressesCommand({ Filters }))).Addresses ?? []).map(
      (x) => x.AllocationId,
    ),
    ...((await ec2.send(new DescribeInstancesCommand({ Filters }))).Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .filter((x) => x.State?.Name !== "terminated")
      .map((x) => x.InstanceId),
    ...((await ec2.send(new DescribeVolumesCommand({ Filters }))).Volumes ?? []).map(
      (x) => x.VolumeId,
    ),
    ...(
      (await ec2.send(new DescribeLaunchTemplatesCommand({ Filters }))).LaunchTemplates ?? []
    ).map((x) => x.LaunchTemplateId),
    ...(
      (await ec2.send(new DescribeImagesCommand({ Filters, Owners: ["self"] }))).Images ?? []
    ).map((x) => x.ImageId),
  ];
  return ids.filter((id): id is string => id !== undefined);
}

/** The primary's bastion machine's state (running, stopped …). */
async function bastionState(): Promise<string | undefined> {
  const found = await world.clients
    .region(source)
    .ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [world.shop.compute.bastionInstanceId] }),
    );
  return found.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

/** Network interfaces not attached to a terminated instance. */
async function interfacesInUse(): Promise<number> {
  const { ec2 } = world.clients.region(source);
  const instances = ((await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.State?.Name === "terminated")
    .map((i) => i.InstanceId);
  const found = await ec2.send(new DescribeNetworkInterfacesCommand({}));
  return (found.NetworkInterfaces ?? []).filter(
    (n) => !instances.includes(n.Attachment?.InstanceId),
  ).length;
}

test("failover, fenced primary, failback killed -9 and resumed: traffic home, no duplicates, copy gone", async (t) => {
  const east = world.clients.region(source);
  const { shop } = world;
  const homeAlias = await shopAlias(world);
  assert.ok(homeAlias?.includes(shop.loadBalancer.dnsName.toLowerCase().replace(/\.$/, "")));

  // Nothing to fail back before a failover.
  assert.equal(
    expectError(await world.ws.cli(["failback", "shop", "--yes", "--json"]), 3).code,
    "LB_FAILBACK_NOTHING",
  );

  const inUseBefore = await interfacesInUse();
  const group = shop.compute.autoScalingGroupName;
  const before = (
    await east.autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
    )
  ).AutoScalingGroups?.[0];
  assert.ok(before && (before.DesiredCapacity ?? 0) > 0);

  const failover = await world.ws.cli(["recover", "shop", "--yes", "--json"]);
  const failoverReport = expectJson<ReportJson>(failover).report;
  const failoverId = runIdOf(failover);
  assert.equal(failoverReport.phase, "succeeded");
  assert.match((await shopAlias(world)) ?? "", new RegExp(target));
  assert.ok((await liveTaggedByRun(target, failoverId)).length > 10);

  // The failover's fence scaled the primary's group to 0 and stopped its other machines.
  const fenced = (
    await east.autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
    )
  ).AutoScalingGroups?.[0];
  assert.equal(fenced?.DesiredCapacity, 0);
  assert.equal(await bastionState(), "stopped");

  assert.equal(expectError(await world.ws.cli(["failback", "shop", "--json"]), 2).code, "LB_USAGE");

  // Kill -9 once the copy's teardown is under way, then resume.
  const live = spawnLifeboat(world.ws, ["failback", "shop", "--yes", "--json"]);
  const failbackId = await live.runId;
  const store = await workspaceStore(world.ws);
  try {
    for (;;) {
      const teardown = (await listRuns(store, { environment: "shop" })).find(
        (r) => r.mode === "teardown" && r.parentRunId === failoverId,
      );
      const done = teardown
        ? (await listSteps(store, teardown.id)).filter((s) => s.phase === "succeeded").length
        : 0;
      if (done >= 1) break;
      if (live.proc.exitCode !== null)
        throw new Error(`failback ended first: ${(await live.done).stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 10)); // polling another process
    }
    live.proc.kill("SIGKILL");
    await live.done;
    const mid = (await listRuns(store, { environment: "shop" })).find((r) => r.id === failbackId);
    t.diagnostic(`killed with the failback run ${mid?.phase}`);
  } finally {
    await store.close();
  }

  const resumed = expectJson<FailbackJson>(await world.ws.cli(["resume", failbackId, "--json"]));
  t.diagnostic(
    `failback: wall ${resumed.report.wallMs} ms, steps ${resumed.report.steps.map((s) => `${s.stepId}=${s.phase}`).join(", ")}`,
  );
  assert.equal(resumed.ok, true);
  assert.equal(resumed.failoverRunId, failoverId);
  assert.equal(resumed.report.mode, "failback");
  assert.equal(resumed.copyTeardown?.phase, "succeeded");
  assert.equal(resumed.environmentStatus, "active");

  // Traffic home: the record aliases the us-east-1 load balancer again.
  assert.equal(await shopAlias(world), homeAlias);
  // The primary's capacity is back, its resources reused: same counts by kind as before.
  const after = (
    await east.autoscaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
    )
  ).AutoScalingGroups?.[0];
  assert.equal(after?.DesiredCapacity, before.DesiredCapacity);
  assert.equal(after?.MinSize, before.MinSize);
  assert.equal(await bastionState(), "running");
  // moto keeps the interfaces of the instances the fence's scale-to-0 terminated, still
  // attached to them: interfaces are compared without those, every other kind by count.
  const { "network-interface": _left, ...others } = await countRegion(east);
  const { "network-interface": _was, ...was } = world.sourceCounts;
  assert.deepEqual(others, was);
  assert.equal(await interfacesInUse(), inUseBefore);
  // The copy is gone.
  assert.deepEqual(await world.targetCounts(), world.baseline);
  assert.deepEqual(await liveTaggedByRun(target, failoverId), []);

  const status = expectJson<{ status: string }>(await world.ws.cli(["status", "shop", "--json"]));
  assert.equal(status.status, "active");
  assert.equal(
    expectError(await world.ws.cli(["failback", "shop", "--yes", "--json"]), 3).code,
    "LB_FAILBACK_NOTHING",
  );
});

// Target selection on moto (docs/recovery.md, "Target selection"): `recovery.targets` lists
// me-central-1 first, whose zones moto does not offer the shop's t3 types in, then us-west-2.
// The choice judges what the plan rebuilds: the `--at` version and the `--only` resources.
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import {
  DescribeInstanceTypeOfferingsCommand,
  ModifyInstanceAttributeCommand,
  RunInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { ConfigBuilder } from "./config-builder.js";
import { expectError, expectJson } from "./capture-fixture.js";
import { recoverWorld, source, type RecoverWorld } from "./recover-fixture.js";

const gulf = "me-central-1";
let world: RecoverWorld;

/** Two candidates in preference order; by-index zones, as explicit ones name one region. */
const withTargets = (c: ConfigBuilder, targets: string[]) =>
  c
    .set("providers.gulf", { ...(c.get("providers.west") as object), region: gulf })
    .set("providers.gulf2", { ...(c.get("providers.west") as object), region: gulf })
    .remove("environments.shop.recovery.target")
    .remove("environments.shop.recovery.mapping.zones")
    .set("environments.shop.recovery.mapping.nameSuffix", "-dr")
    .set("environments.shop.recovery.targets", targets);

before(async () => {
  world = await recoverWorld({ config: (c) => withTargets(c, ["gulf", "west"]) });
});

after(async () => {
  await world?.close();
});

interface Selection {
  chosen?: string;
  considered: { connection: string; chosen: boolean; reasons: string[] }[];
}

test("moto offers no t3.small or t3.micro in me-central-1's zones", async () => {
  const answer = await world.clients.region(gulf).ec2.send(
    new DescribeInstanceTypeOfferingsCommand({
      LocationType: "availability-zone",
      Filters: [{ Name: "instance-type", Values: ["t3.small", "t3.micro"] }],
    }),
  );
  assert.deepEqual(answer.InstanceTypeOfferings ?? [], []);
});

test("plan skips the first target that lacks the instance types and says why", async () => {
  const plan = expectJson<{
    plan: { target: { connection: string; region: string } };
    targetSelection: Selection;
  }>(await world.ws.cli(["plan", "shop", "--json"]));
  assert.deepEqual(plan.plan.target, { connection: "west", region: "us-west-2" });
  assert.equal(plan.targetSelection.chosen, "west");
  const [skipped, chosen] = plan.targetSelection.considered;
  assert.equal(skipped?.connection, "gulf");
  assert.equal(skipped?.chosen, false);
  assert.ok(skipped?.reasons.some((r) => /t3\.(small|micro)/.test(r) && r.includes(gulf)));
  assert.deepEqual(chosen, { connection: "west", chosen: true, reasons: [] });

  const text = await world.ws.cli(["plan", "shop"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /target gulf: skipped \(.*t3\./);
  assert.match(text.stdout, /target west: chosen/);
  assert.deepEqual(await world.targetCounts(), world.baseline);
});

test("--target overrides the list", async () => {
  const plan = expectJson<{ plan: { target: { connection: string } }; targetSelection?: unknown }>(
    await world.ws.cli(["plan", "shop", "--target", "west", "--json"]),
  );
  assert.equal(plan.plan.target.connection, "west");
  assert.equal(plan.targetSelection, undefined);
});

test("no target qualifies: LB_PLAN_NO_TARGET, exit 2, each target with its reasons", async () => {
  const config = withTargets(ConfigBuilder.shop({ endpoint: world.moto.endpoint }), [
    "gulf",
    "gulf2",
  ]).writeTo(world.ws.dir, "none.yaml");
  const error = expectError(await world.ws.cli(["plan", "shop", "--json", "--config", config]), 2);
  assert.equal(error.code, "LB_PLAN_NO_TARGET");
  const { considered } = error.details as Selection;
  assert.deepEqual(
    considered.map((v) => v.connection),
    ["gulf", "gulf2"],
  );
  assert.ok(considered.every((v) => v.reasons.length > 0));
});

const chosenBy = async (args: string[]) =>
  expectJson<{ plan: { target: { connection: string } }; targetSelection: Selection }>(
    await world.ws.cli(["plan", "shop", ...args, "--json"]),
  );

test("--only: only the selected resources are judged (a network needs no instance type)", async () => {
  const plan = await chosenBy(["--only", "network"]);
  assert.equal(plan.targetSelection.chosen, "gulf");
  assert.equal(plan.plan.target.connection, "gulf");
});

test("--at: the version in effect then is judged, not the newest", async () => {
  // A machine of a type me-central-1 offers, captured; then resized to t3.micro and captured.
  const ec2 = world.clients.region(source).ec2;
  const launched = await ec2.send(
    new RunInstancesCommand({
      ImageId: world.shop.compute.imageId,
      InstanceType: "m5.large",
      MinCount: 1,
      MaxCount: 1,
      SubnetId: world.shop.network.privateSubnets[0]!.subnetId,
      TagSpecifications: [
        {
          ResourceType: "instance",
          Tags: [
            { Key: "app", Value: "shop" },
            { Key: "Name", Value: "shop-batch" },
          ],
        },
      ],
    }),
  );
  const id = launched.Instances![0]!.InstanceId!;
  const only = ["--only", `machine:${id}`];
  expectJson(await world.ws.cli(["capture", "shop", "--json"]));
  const then = new Date().toISOString();
  await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
  await ec2.send(
    new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: "t3.micro" } }),
  );
  expectJson(await world.ws.cli(["capture", "shop", "--json"]));

  assert.equal((await chosenBy([...only, "--at", then])).targetSelection.chosen, "gulf");
  const now = await chosenBy(only);
  assert.equal(now.targetSelection.chosen, "west");
  assert.ok(now.targetSelection.considered[0]?.reasons.some((r) => r.includes("t3.micro")));
});

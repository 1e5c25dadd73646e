// The AWS adapter's answers to the planner's pre-flight questions, against moto in a second region.
import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { CreateKeyPairCommand, CreateVpcCommand, RegisterImageCommand } from "@aws-sdk/client-ec2";
import { AwsConnection } from "../../src/providers/aws/aws-connection.js";
import { awsTargetFacts } from "../../src/providers/aws/aws-target-facts-source.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";

let moto: MotoServer;
let clients: AwsClients;

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
});
after(async () => {
  clients.destroy();
  await moto.stop();
});

test("target facts: zones, offered types, networks, requested images once each, key pairs", async () => {
  const { ec2 } = clients.region("us-west-2");
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }));
  const image = await ec2.send(new RegisterImageCommand({ Name: "shop-web-image" }));
  await ec2.send(new CreateKeyPairCommand({ KeyName: "ops" }));

  const connection = new AwsConnection(motoClientConfig(moto, "us-west-2"));
  try {
    const facts = await awsTargetFacts(connection).gather({
      instanceTypes: ["m5.large", "x9.bogus"],
      imageIds: [image.ImageId ?? "", "ami-0000000000000dead"],
      imageNames: ["shop-web-image"],
      keyPairs: ["ops"],
    });
    assert.equal(facts.region, "us-west-2");
    assert.ok(facts.zones.includes("us-west-2a"));
    assert.ok(facts.zones.every((zone: string) => zone.startsWith("us-west-2")));
    assert.ok(facts.instanceTypes["us-west-2a"]?.includes("m5.large"));
    assert.ok(!Object.values(facts.instanceTypes).flat().includes("x9.bogus"));
    const made = facts.networks.find((n: { id: string }) => n.id === vpc.Vpc?.VpcId);
    assert.deepEqual(made?.cidrBlocks, ["10.9.0.0/16"]);
    // Found by id and by name, listed once; the missing id is simply absent.
    assert.deepEqual(facts.images, [{ id: image.ImageId, name: "shop-web-image" }]);
    assert.ok(facts.keyPairs?.includes("ops"));
  } finally {
    connection.destroy();
  }
});

test("an aborted gather stops with LB_CANCELLED", async () => {
  const connection = new AwsConnection(motoClientConfig(moto, "us-west-2"));
  try {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      awsTargetFacts(connection).gather(
        { instanceTypes: ["m5.large"], imageIds: [], imageNames: [], keyPairs: [] },
        controller.signal,
      ),
      (error: unknown) => (error as { code?: string }).code === "LB_CANCELLED",
    );
  } finally {
    connection.destroy();
  }
});

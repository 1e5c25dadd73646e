import { strict as assert } from "node:assert";
import { performance } from "node:perf_hooks";
import { after, before, test } from "node:test";
import { RunInstancesCommand } from "@aws-sdk/client-ec2";
import { captureEnvironment } from "../../src/capture/capture.js";
import { AwsProvider } from "../../src/providers/aws/aws-provider.js";
import { shopEnvironment } from "../../src/providers/aws/shop/shop-environment.js";
import type { ShopEnvironment } from "../../src/providers/aws/shop/shop-types.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";

let moto: MotoServer;
let clients: AwsClients;
let shop: ShopEnvironment;

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
  shop = await shopEnvironment(clients).named("big").withAtLeastResources(200).build();
  // Warm-up (moto's first describe calls, the JIT) so the runs below compare like with like.
  const warm = new AwsProvider(motoClientConfig(moto, "us-east-1"));
  await captureEnvironment(warm, { tags: { app: "big" } });
  warm.close();
});

after(async () => {
  clients?.destroy();
  await moto?.stop();
});

/**
 * Measures (does not assert) the capture of a ~200-resource environment on moto: wall time
 * and API calls, printed for docs/providers.md and the README.
 */
for (const maxConcurrency of [1, 4, 8]) {
  test(`capture of a ~200-resource environment, ${maxConcurrency} request(s) in flight`, async () => {
    const provider = new AwsProvider({ ...motoClientConfig(moto, "us-east-1"), maxConcurrency });
    try {
      const started = performance.now();
      const result = await captureEnvironment(provider, { tags: { app: "big" } });
      const wallMs = Math.round(performance.now() - started);
      const captured = result.inventory.resources.length;
      // The fixture counts the scaling group's machines; a capture leaves them to the group.
      assert.ok(captured >= shop.resourceCount - shop.compute.webInstanceIds.length, `${captured}`);
      console.log(
        `capture-scale: ${captured} resources (${result.inventory.externals.length} externals), ` +
          `maxConcurrency ${maxConcurrency}: ${wallMs} ms wall, ${result.apiCalls.calls} API calls ` +
          `(${result.apiCalls.attempts} HTTP attempts)`,
      );
    } finally {
      provider.close();
    }
  });
}

test("capture of a machine-heavy environment (+50 stand-alone machines), 8 in flight", async () => {
  const { ec2 } = clients.region("us-east-1");
  const subnet = shop.network.privateSubnets[0]?.subnetId ?? "";
  await ec2.send(
    new RunInstancesCommand({
      ImageId: shop.compute.imageId,
      InstanceType: "t3.micro",
      MinCount: 50,
      MaxCount: 50,
      SubnetId: subnet,
      SecurityGroupIds: [shop.security.webGroupId],
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "app", Value: "big" }] }],
    }),
  );
  const provider = new AwsProvider({ ...motoClientConfig(moto, "us-east-1"), maxConcurrency: 8 });
  try {
    const started = performance.now();
    const result = await captureEnvironment(provider, { tags: { app: "big" } });
    const wallMs = Math.round(performance.now() - started);
    // Each machine brings its interface and its root disk.
    assert.equal(result.counts.machine, 51);
    assert.equal(result.counts["network-interface"], 51);
    assert.equal(result.counts.volume, 51);
    console.log(
      `capture-scale: ${result.inventory.resources.length} resources incl. 51 machines, ` +
        `maxConcurrency 8: ${wallMs} ms wall, ${result.apiCalls.calls} API calls ` +
        `(${result.apiCalls.byOperation["ec2.DescribeInstanceAttribute"] ?? 0} of them for user data)`,
    );
  } finally {
    provider.close();
  }
});

import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { captureEnvironment, type CaptureResult } from "../../src/capture/capture.js";
import {
  canonicalJson,
  diffInventories,
  inventorySchema,
  isEmptyDiff,
  referencesOf,
  unresolvedReferences,
} from "../../src/model/inventory/index.js";
import { isLifeboatError } from "../../src/model/errors.js";
import { AwsProvider } from "../../src/providers/aws/aws-provider.js";
import { shopEnvironment } from "../../src/providers/aws/shop/shop-environment.js";
import type { ShopEnvironment } from "../../src/providers/aws/shop/shop-types.js";
import { changeShopThreeWays, shopCounts } from "../builders/shop-changes.js";
import { awsClients, type AwsClients } from "../harness/aws-clients.js";
import { motoClientConfig, startMoto, type MotoServer } from "../harness/moto.js";

let moto: MotoServer;
let clients: AwsClients;
let provider: AwsProvider;
let shop: ShopEnvironment;
let blog: ShopEnvironment;
let first: CaptureResult;

before(async () => {
  moto = await startMoto();
  clients = awsClients(moto);
  [shop, blog] = await Promise.all([
    shopEnvironment(clients).named("shop").build(),
    shopEnvironment(clients).named("blog").withVpcCidr("10.1.0.0/16").build(),
  ]);
  provider = new AwsProvider({ ...motoClientConfig(moto, "us-east-1"), maxConcurrency: 4 });
  first = await captureEnvironment(provider, { tags: { app: "shop" } });
});

after(async () => {
  provider?.close();
  clients?.destroy();
  await moto?.stop();
});

test("a capture of the shop holds every resource the fixture made, by kind", () => {
  assert.deepEqual(first.counts, shopCounts);
  const ids = new Set(first.inventory.resources.map((r) => r.providerId));
  const made = [
    shop.network.vpcId,
    shop.network.internetGatewayId,
    shop.network.natGatewayId,
    shop.network.natAllocationId,
    shop.network.publicRouteTableId,
    shop.network.privateRouteTableId,
    ...shop.network.publicSubnets.map((s) => s.subnetId),
    ...shop.network.privateSubnets.map((s) => s.subnetId),
    shop.security.loadBalancerGroupId,
    shop.security.webGroupId,
    shop.security.databaseGroupId,
    shop.security.bastionGroupId,
    shop.compute.imageId,
    shop.compute.launchTemplateId,
    shop.compute.autoScalingGroupName,
    shop.compute.bastionInstanceId,
    shop.compute.bastionAllocationId,
    shop.loadBalancer.arn,
    shop.loadBalancer.targetGroupArn,
    shop.loadBalancer.listenerArn,
    shop.database.identifier,
    shop.database.subnetGroupName,
    shop.dns.hostedZoneId,
  ];
  assert.deepEqual(
    made.filter((id) => !ids.has(id)),
    [],
  );
  const managed = first.explanation.leftOut.filter((l) => l.why.type === "managed");
  for (const id of shop.compute.webInstanceIds) {
    assert.ok(
      managed.some(
        (l) =>
          l.id === `machine:${id}` &&
          l.why.type === "managed" &&
          l.why.by === "scaling-group:shop-web",
      ),
      `web machine ${id} is explained as managed by the scaling group`,
    );
  }
  assert.equal(inventorySchema.safeParse(first.inventory).success, true);
});

test("every reference resolves to a captured resource or an explicit external", () => {
  const inventory = first.inventory;
  const resources = new Set(inventory.resources.map((r) => r.id));
  const externals = new Map(inventory.externals.map((e) => [e.id, e]));
  let walked = 0;
  for (const resource of inventory.resources) {
    for (const { path, target } of referencesOf(resource)) {
      walked += 1;
      assert.ok(
        resources.has(target) || externals.has(target),
        `${resource.id} ${path} → ${target} resolves`,
      );
    }
  }
  assert.ok(walked > 40, `walked ${walked} references`);
  assert.deepEqual(unresolvedReferences(inventory), []);
  const byId = new Map(inventory.resources.map((r) => [r.id, r]));
  const alias = byId.get(`dns-record:${shop.dns.hostedZoneId}/${shop.dns.shopRecordName}/A`);
  assert.deepEqual(alias?.kind === "dns-record" && alias.properties.alias?.target, {
    ref: "load-balancer:shop-alb",
  });
  const cname = byId.get(
    `dns-record:${shop.dns.hostedZoneId}/${shop.dns.databaseRecordName}/CNAME`,
  );
  assert.deepEqual(cname?.kind === "dns-record" && cname.properties.values, [
    { ref: `database:${shop.database.identifier}` },
  ]);
  const subnet = byId.get(`subnet:${shop.network.privateSubnets[0]?.subnetId}`);
  assert.deepEqual(subnet?.kind === "subnet" && subnet.properties.network, {
    ref: `network:${shop.network.vpcId}`,
  });
  // Literals that only exist in the source never appear: they became references.
  const text = canonicalJson(inventory);
  for (const literal of [shop.loadBalancer.dnsName, shop.database.endpointAddress]) {
    assert.equal(
      text.includes(literal.replace(/\.$/, "")),
      false,
      `${literal} is not in the inventory`,
    );
  }
});

test("an unchanged environment captures to the same digest", async () => {
  const again = await captureEnvironment(provider, { tags: { app: "shop" } });
  assert.equal(again.digest, first.digest);
  assert.equal(canonicalJson(again.inventory), canonicalJson(first.inventory));
  assert.equal(isEmptyDiff(diffInventories(first.inventory, again.inventory)), true);
});

test("two environments selected by different tags do not leak into each other", async () => {
  const other = await captureEnvironment(provider, { tags: { app: "blog" } });
  const shopIds = new Set(first.inventory.resources.map((r) => r.id));
  assert.deepEqual(
    other.inventory.resources.filter((r) => shopIds.has(r.id)).map((r) => r.id),
    [],
  );
  assert.equal(other.inventory.resources.length, first.inventory.resources.length);
  for (const r of first.inventory.resources) assert.notEqual(r.tags.app, "blog", r.id);
  for (const r of other.inventory.resources) assert.notEqual(r.tags.app, "shop", r.id);
  assert.ok(other.inventory.resources.some((r) => r.providerId === blog.network.vpcId));
  const leftOut = new Map(first.explanation.leftOut.map((l) => [l.id, l.why.type]));
  assert.equal(leftOut.get(`network:${blog.network.vpcId}`), "not-selected");
  assert.ok([...leftOut.values()].includes("default"), "the default VPC is explained as default");
});

test("selecting a scaling group pulls in its template, subnets, groups and target groups", async () => {
  const result = await captureEnvironment(provider, { ids: ["scaling-group:shop-web"] });
  const why = new Map(result.explanation.included.map((i) => [i.id, i.why]));
  const pulled = [
    `launch-template:${shop.compute.launchTemplateId}`,
    ...shop.network.privateSubnets.map((s) => `subnet:${s.subnetId}`),
    "target-group:shop-web",
  ];
  for (const id of pulled) {
    assert.deepEqual(why.get(id as never)?.[0]?.type, "dependency", id);
  }
  // Transitively: template → image and group; subnet → network.
  for (const id of [
    `image:${shop.compute.imageId}`,
    `security-group:${shop.security.webGroupId}`,
    `network:${shop.network.vpcId}`,
  ]) {
    assert.ok(why.has(id as never), `${id} is pulled in`);
  }
  assert.deepEqual(why.get("scaling-group:shop-web"), [{ type: "selected", by: "ids" }]);
  assert.equal(why.has(`database:${shop.database.identifier}` as never), false);
});

test("the order of selected ids does not change the digest", async () => {
  const ids = ["scaling-group:shop-web", `dns-zone:${shop.dns.hostedZoneId}`];
  const one = await captureEnvironment(provider, { ids });
  const two = await captureEnvironment(provider, { ids: [...ids].reverse() });
  assert.equal(one.digest, two.digest);
});

test("selecting by network takes what lies in it and nothing of the other environment", async () => {
  const result = await captureEnvironment(provider, { network: shop.network.vpcId });
  const ids = new Set(result.inventory.resources.map((r) => r.id));
  for (const r of first.inventory.resources) {
    if (r.kind === "dns-zone" || r.kind === "dns-record") continue; // DNS lies in no network
    assert.ok(ids.has(r.id), `${r.id} is in the network`);
  }
  for (const r of result.inventory.resources) assert.notEqual(r.tags.app, "blog", r.id);
});

test("an id the provider does not know fails with LB_PROVIDER_NOT_FOUND", async () => {
  await assert.rejects(captureEnvironment(provider, { ids: ["vpc-doesnotexist"] }), (error) =>
    isLifeboatError(error, "LB_PROVIDER_NOT_FOUND"),
  );
});

test("paging through every list one item at a time gives the same inventory", async () => {
  const paged = new AwsProvider({ ...motoClientConfig(moto, "us-east-1"), pageSize: 1 });
  try {
    const result = await captureEnvironment(paged, { tags: { app: "shop" } });
    assert.equal(result.digest, first.digest);
    // moto pages load balancers, scaling groups, zones and records; each page is one more call.
    const calls = result.apiCalls.byOperation;
    assert.ok((calls["route53.ListResourceRecordSets"] ?? 0) >= 4, JSON.stringify(calls));
    assert.ok(result.apiCalls.calls > first.apiCalls.calls);
  } finally {
    paged.close();
  }
});

// Runs last: it changes the shop.
test("three changes in the cloud are exactly the three changes of the diff", async () => {
  await changeShopThreeWays(clients, shop);
  const next = await captureEnvironment(provider, { tags: { app: "shop" } });
  assert.notEqual(next.digest, first.digest);
  const diff = diffInventories(first.inventory, next.inventory);
  assert.deepEqual(diff.added, []);
  assert.deepEqual(diff.removed, [
    {
      id: `dns-record:${shop.dns.hostedZoneId}/${shop.dns.databaseRecordName}/CNAME`,
      kind: "dns-record",
      name: shop.dns.databaseRecordName,
    },
  ]);
  assert.deepEqual(
    diff.changed.map((c) => ({ id: c.id, changes: c.changes })),
    [
      {
        id: "scaling-group:shop-web",
        changes: [{ path: "properties.desiredCapacity", old: 2, new: 3 }],
      },
      {
        id: `security-group:${shop.security.webGroupId}`,
        changes: [
          {
            path: "properties.ingress[]",
            new: { protocol: "tcp", fromPort: 9000, toPort: 9000, peer: "10.0.0.0/16" },
          },
        ],
      },
    ].sort((a, b) => (a.id < b.id ? -1 : 1)),
  );
  assert.deepEqual(
    [diff.header, diff.externalsAdded, diff.externalsRemoved, diff.externalsChanged],
    [[], [], [], []],
  );
});

import { strict as assert } from "node:assert";
import { test } from "node:test";
import { ref, type LogicalId, type Resource } from "../model/inventory/index.js";
import {
  unexpectedShape,
  type DiscoveredResource,
  type DiscoveryFacts,
} from "../providers/provider.js";
import { closeOver } from "./closure.js";

/** A discovered resource with only the fields closure reads; the model's own tests cover shape. */
function d(
  id: LogicalId,
  properties: Record<string, unknown>,
  tags: Record<string, string> = {},
  facts: DiscoveryFacts = {},
): DiscoveredResource {
  const [kind, providerId] = id.split(/:(.*)/s);
  const resource = {
    id,
    kind,
    providerId,
    name: providerId,
    location: { region: "r" },
    tags,
    properties,
  };
  return { resource: resource as unknown as Resource, facts };
}

const shop = { app: "shop" };
const blog = { app: "blog" };

const region: DiscoveredResource[] = [
  d("network:vpc-1", {}, shop),
  d("network:vpc-2", {}, blog),
  d("network:vpc-default", {}, {}, { isDefault: true }),
  d("subnet:subnet-1", { network: ref("network", "vpc-1") }, shop),
  d("subnet:subnet-2", { network: ref("network", "vpc-1") }, shop),
  d(
    "route-table:rtb-main",
    { network: ref("network", "vpc-1"), main: true, routes: [], associations: [] },
    {},
    { isDefault: true },
  ),
  d("route-table:rtb-1", {
    network: ref("network", "vpc-1"),
    main: false,
    routes: [],
    associations: [ref("subnet", "subnet-1")],
  }),
  d("load-balancer:shop", { subnets: [ref("subnet", "subnet-1")] }, shop),
  d("load-balancer:blog", { subnets: [] }, blog),
  d("listener:shop:80", { loadBalancer: ref("load-balancer", "shop") }),
  d("dns-zone:Z1", {}, shop),
  d("dns-record:Z1/shop/A", {
    zone: ref("dns-zone", "Z1"),
    alias: { target: ref("load-balancer", "shop") },
  }),
  d("dns-record:Z1/blog/A", {
    zone: ref("dns-zone", "Z1"),
    alias: { target: ref("load-balancer", "blog") },
  }),
  d("dns-record:Z1/txt/TXT", { zone: ref("dns-zone", "Z1"), values: ["hello"] }),
  d("scaling-group:web", { subnets: [ref("subnet", "subnet-2")] }, shop),
  d("machine:i-web", { subnet: ref("subnet", "subnet-2"), image: ref("image", "ami-gone") }, shop, {
    managedBy: "scaling-group:web",
  }),
  d("address:eip-1", { association: ref("machine", "i-web") }, shop),
  d(
    "security-group:sg-web",
    {
      network: ref("network", "vpc-1"),
      ingress: [
        { peer: ref("security-group", "sg-lb") },
        { peer: ref("security-group", "sg-ops") },
      ],
    },
    shop,
  ),
  d("security-group:sg-lb", { network: ref("network", "vpc-1"), ingress: [] }),
  d("security-group:sg-ops", { network: ref("network", "vpc-ops"), ingress: [] }),
  d("network:vpc-ops", {}),
  d(
    "machine:i-bastion",
    {
      subnet: ref("subnet", "subnet-1"),
      image: ref("image", "ami-gone"),
      keyPair: ref("key-pair", "ops"),
    },
    { ...shop },
  ),
];

const closure = closeOver(
  { account: "1", region: "r", resources: region, externals: [], ignored: [] },
  { tags: shop },
);
const ids = new Set(closure.resources.map((r) => r.resource.id as string));
const leftOut = new Map(closure.explanation.leftOut.map((l) => [l.id, l.why]));
const externals = new Map(closure.externals.map((e) => [e.id as string, e.reason]));
const why = new Map(closure.explanation.included.map((i) => [i.id as string, i.why]));

test("parts join their owner: a listener its load balancer, a route table its subnet", () => {
  assert.deepEqual(why.get("listener:shop:80"), [
    { type: "part-of", of: "load-balancer:shop", why: "listener of the load balancer" },
  ]);
  assert.equal(why.get("route-table:rtb-1")?.[0]?.type, "part-of");
});

test("a subnet without an explicit route table pulls in the network's main table", () => {
  assert.deepEqual(why.get("route-table:rtb-main"), [
    {
      type: "part-of",
      of: "subnet:subnet-2",
      why: "main route table, used implicitly by the subnet",
    },
  ]);
});

test("a shared zone's record that points at another environment stays out", () => {
  assert.ok(ids.has("dns-record:Z1/shop/A"));
  assert.ok(ids.has("dns-record:Z1/txt/TXT"));
  assert.equal(ids.has("dns-record:Z1/blog/A"), false);
  assert.deepEqual(leftOut.get("dns-record:Z1/blog/A"), {
    type: "target-outside",
    target: "load-balancer:blog",
  });
  assert.equal(ids.has("load-balancer:blog"), false);
});

test("a scaling group's machine stays out even when tagged; references to it become external", () => {
  assert.equal(ids.has("machine:i-web"), false);
  assert.deepEqual(leftOut.get("machine:i-web"), { type: "managed", by: "scaling-group:web" });
  assert.ok(ids.has("address:eip-1"));
  assert.equal(externals.get("machine:i-web"), "managed");
});

test("references outside the environment are explicit externals with a reason", () => {
  assert.equal(externals.get("key-pair:ops"), "not-captured-kind");
  assert.equal(externals.get("image:ami-gone"), "not-found");
  assert.deepEqual(leftOut.get("network:vpc-default"), { type: "default" });
  assert.deepEqual(leftOut.get("network:vpc-2"), { type: "not-selected" });
});

test("a rule's peer group joins only from the same network; another network's is external", () => {
  assert.deepEqual(why.get("security-group:sg-lb"), [
    { type: "dependency", of: "security-group:sg-web", path: "ingress[0].peer" },
  ]);
  assert.equal(ids.has("security-group:sg-ops"), false);
  assert.equal(ids.has("network:vpc-ops"), false);
  assert.equal(externals.get("security-group:sg-ops"), "outside-selection");
});

test("a selection that matches nothing gives an empty environment and a warning", () => {
  const empty = closeOver(
    { account: "1", region: "r", resources: region, externals: [], ignored: [] },
    { tags: { app: "nope" } },
  );
  assert.deepEqual(empty.resources, []);
  assert.equal(empty.explanation.warnings.length, 1);
});

test("a resource the provider set aside for an odd shape is a warning, not a silent gap", () => {
  const result = closeOver(
    {
      account: "1",
      region: "r",
      resources: region,
      externals: [],
      ignored: [
        { providerId: "vpc-odd", kind: "network", reason: `${unexpectedShape}: cidrBlock: x` },
      ],
    },
    { tags: shop },
  );
  assert.equal(result.explanation.warnings.length, 1);
  assert.match(result.explanation.warnings[0] ?? "", /network vpc-odd was set aside/);
});

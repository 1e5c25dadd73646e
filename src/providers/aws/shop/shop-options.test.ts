import { strict as assert } from "node:assert";
import { test } from "node:test";
import { resolveShopOptions } from "./shop-options.js";
import { predictResourceCount } from "./shop-resources.js";
import { subnetCidrs } from "./subnet-cidrs.js";

test("defaults describe the two-instance shop in us-east-1", () => {
  const options = resolveShopOptions({});
  assert.deepEqual(options, {
    region: "us-east-1",
    name: "shop",
    vpcCidr: "10.0.0.0/16",
    zones: ["us-east-1a", "us-east-1b"],
    webInstances: 2,
    instanceType: "t3.small",
    domain: "shop.example.com",
    extraSecurityGroups: 0,
    extraRecords: 0,
  });
  assert.equal(predictResourceCount(options), 29);
  assert.deepEqual(resolveShopOptions({ region: "eu-west-1" }).zones, ["eu-west-1a", "eu-west-1b"]);
});

test("names AWS would refuse somewhere are rejected up front", () => {
  for (const name of ["Shop", "1shop", "shop-", "shop_1", "", "a-name-longer-than-twenty"]) {
    assert.throws(() => resolveShopOptions({ name }), /must be 1-20/, name);
  }
  assert.equal(resolveShopOptions({ name: "a-b-1" }).name, "a-b-1");
});

test("counts must be whole and non-negative", () => {
  assert.throws(() => resolveShopOptions({ webInstances: -1 }), /webInstances/);
  assert.throws(() => resolveShopOptions({ extraRecords: 1.5 }), /extraRecords/);
});

test("padding reaches the target exactly, through the counts left open", () => {
  for (const resourceTarget of [10, 29, 30, 31, 60, 500]) {
    const even = resolveShopOptions({ resourceTarget });
    assert.equal(predictResourceCount(even), Math.max(29, resourceTarget));
    assert.ok(even.extraSecurityGroups - even.extraRecords <= 1);
    const groupsFixed = resolveShopOptions({ resourceTarget, extraSecurityGroups: 3 });
    assert.equal(groupsFixed.extraSecurityGroups, 3);
    assert.equal(predictResourceCount(groupsFixed), Math.max(32, resourceTarget));
    const recordsFixed = resolveShopOptions({ resourceTarget, extraRecords: 2, webInstances: 5 });
    assert.equal(recordsFixed.extraRecords, 2);
    assert.equal(predictResourceCount(recordsFixed), Math.max(34, resourceTarget));
  }
  assert.throws(
    () => resolveShopOptions({ resourceTarget: 60, extraSecurityGroups: 1, extraRecords: 1 }),
    /both filler counts are fixed/,
  );
});

test("subnets are four distinct blocks inside the VPC", () => {
  assert.deepEqual(subnetCidrs("10.0.0.0/16"), {
    public: ["10.0.0.0/20", "10.0.16.0/20"],
    private: ["10.0.128.0/20", "10.0.144.0/20"],
  });
  assert.deepEqual(subnetCidrs("172.31.4.0/22"), {
    public: ["172.31.4.0/26", "172.31.4.64/26"],
    private: ["172.31.6.0/26", "172.31.6.64/26"],
  });
  for (const bad of ["10.0.0.0/8", "10.0.0.0/25", "fd00::/48", "10.0.0.0"]) {
    assert.throws(() => subnetCidrs(bad), /prefix of \/16 to \/24/, bad);
  }
});

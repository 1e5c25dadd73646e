import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "./errors.js";
import {
  cidrsOverlap,
  formatCidr,
  parseCidr,
  parseMapping,
  parseMappingOrThrow,
  renumber,
} from "./mapping.js";

test("a mapping needs only a target; everything else has a default", () => {
  const mapping = parseMappingOrThrow({ target: "west" });
  assert.deepEqual(mapping, {
    target: "west",
    zones: {},
    cidrs: {},
    keepPrivateIps: true,
    instanceTypes: {},
    images: "copy",
    keyPairs: {},
    nameSuffix: "",
    tags: {},
  });
});

test("the config's recovery.mapping shape is accepted as it is", () => {
  const mapping = parseMappingOrThrow({
    target: "west",
    zones: { "us-east-1a": "us-west-2a" },
    keepPrivateIps: true,
    instanceTypes: { "m5.large": ["m6i.large"] },
    cidrs: { "10.0.0.0/16": "10.50.0.0/16" },
    images: { "ami-1": "ami-2" },
    nameSuffix: "-dr",
    tags: { purpose: "dr" },
  });
  assert.deepEqual(mapping.images, { "ami-1": "ami-2" });
});

test("validation returns every problem at once, each with its key path", () => {
  const result = parseMapping({
    target: "",
    cidrs: { "10.0.0.0/16": "10.50.0.0/24", "10.1.0.0/16": "10.50.0.0/16", "10.2.0.1/16": "x" },
    instanceTypes: { "m5.large": [] },
    nameSuffix: "has space",
    tags: { "lifeboat:run": "mine" },
    surprise: true,
  });
  assert.equal(result.ok, false);
  if (result.ok) return;
  const paths = result.problems.map((p) => p.path).sort();
  assert.deepEqual(paths, [
    "",
    "cidrs.10.0.0.0/16",
    "cidrs.10.1.0.0/16",
    "cidrs.10.2.0.1/16",
    "cidrs.10.2.0.1/16",
    "instanceTypes.m5.large",
    "nameSuffix",
    "tags",
    "target",
  ]);
});

test("an invalid mapping throws LB_PLAN_MAPPING_INVALID with the problems in details", () => {
  assert.throws(
    () => parseMappingOrThrow({ target: "west", keepPrivateIps: "yes" }),
    (e: unknown) =>
      isLifeboatError(e, "LB_PLAN_MAPPING_INVALID") &&
      Array.isArray(e.details.problems) &&
      e.details.problems.length === 1,
  );
});

test("CIDRs parse exactly and reject host bits", () => {
  assert.deepEqual(parseCidr("10.0.0.0/16"), { base: 167772160, prefix: 16 });
  assert.equal(parseCidr("10.0.0.1/16"), undefined);
  assert.equal(parseCidr("10.0.0.0/33"), undefined);
  assert.equal(parseCidr("256.0.0.0/8"), undefined);
  assert.equal(formatCidr(parseCidr("192.168.4.0/22")!), "192.168.4.0/22");
});

test("overlap is symmetric and containment counts", () => {
  const a = parseCidr("10.0.0.0/16")!;
  assert.equal(cidrsOverlap(a, parseCidr("10.0.200.0/24")!), true);
  assert.equal(cidrsOverlap(parseCidr("10.0.200.0/24")!, a), true);
  assert.equal(cidrsOverlap(a, parseCidr("10.1.0.0/16")!), false);
});

test("renumbering keeps a subnet's offset and size inside the new block", () => {
  const from = parseCidr("10.0.0.0/16")!;
  const moved = renumber(parseCidr("10.0.11.0/24")!, from, parseCidr("172.20.0.0/16")!);
  assert.equal(moved && formatCidr(moved), "172.20.11.0/24");
  const larger = renumber(parseCidr("10.0.11.0/24")!, from, parseCidr("10.64.0.0/12")!);
  assert.equal(larger && formatCidr(larger), "10.64.11.0/24");
  assert.equal(renumber(parseCidr("10.0.11.0/24")!, from, parseCidr("10.9.0.0/20")!), undefined);
  assert.equal(renumber(parseCidr("10.1.0.0/24")!, from, parseCidr("10.9.0.0/16")!), undefined);
});

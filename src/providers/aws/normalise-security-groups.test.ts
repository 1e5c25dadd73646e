import { strict as assert } from "node:assert";
import { test } from "node:test";
import { flattenRules } from "./normalise-security-groups.js";

test("grouped permissions become one rule per peer; all-traffic rules have no ports", () => {
  const rules = flattenRules([
    {
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      IpRanges: [{ CidrIp: "0.0.0.0/0" }, { CidrIp: "10.0.0.0/8", Description: "office" }],
      UserIdGroupPairs: [{ GroupId: "sg-1" }],
    },
    { IpProtocol: "-1", FromPort: -1, ToPort: -1, Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
  ]);
  // Canonical order is the order of the rules' canonical JSON (keys sorted): stable, not pretty.
  assert.deepEqual(rules, [
    { protocol: "tcp", fromPort: 443, toPort: 443, peer: "10.0.0.0/8", description: "office" },
    { protocol: "tcp", fromPort: 443, toPort: 443, peer: "0.0.0.0/0" },
    { protocol: "tcp", fromPort: 443, toPort: 443, peer: { ref: "security-group:sg-1" } },
    { protocol: "-1", peer: "::/0" },
  ]);
});

test("the order AWS lists permissions in does not change the rules", () => {
  const a = { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "1.2.3.4/32" }] };
  const b = { IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0" }] };
  assert.deepEqual(flattenRules([a, b]), flattenRules([b, a]));
});

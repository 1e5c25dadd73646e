import { BugError } from "../../../model/errors.js";
/**
 * Splits a VPC's IPv4 CIDR into sixteen equal blocks and picks four: blocks 0-1 for the public
 * subnets and 8-9 for the private ones, leaving room for whatever a test adds later.
 */
export function subnetCidrs(vpcCidr: string): {
  public: [string, string];
  private: [string, string];
} {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(vpcCidr);
  const prefix = Number(match?.[5]);
  if (!match || prefix < 16 || prefix > 24) {
    throw new BugError(
      `shop builder: VPC CIDR ${vpcCidr} must be IPv4 with a prefix of /16 to /24`,
    );
  }
  const base = match.slice(1, 5).reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - prefix - 4);
  const block = (index: number) => `${toDotted(base + index * size)}/${prefix + 4}`;
  return { public: [block(0), block(1)], private: [block(8), block(9)] };
}

function toDotted(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

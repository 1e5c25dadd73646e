import { BugError } from "../../../model/errors.js";
import { predictResourceCount } from "./shop-resources.js";
import type { ShopOptions } from "./shop-types.js";

// Bad options are a caller's bug (BugError): the builder is driven by code, never by user input.

/** What the fluent builder collected: any option, plus a resource count to pad up to. */
export interface ShopSettings extends Partial<ShopOptions> {
  readonly resourceTarget?: number;
}

/**
 * Fills in defaults and checks what AWS would refuse later, so a bad fixture fails before it
 * creates half a shop. Padding for `resourceTarget` goes to the filler counts the caller left
 * open, split evenly when both are.
 */
export function resolveShopOptions(settings: ShopSettings): ShopOptions {
  const { resourceTarget, ...given } = settings;
  const region = given.region ?? "us-east-1";
  const name = given.name ?? "shop";
  // ALB and target group names (name + "-alb", ≤ 32) and RDS identifiers bound the length.
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(name) || name.endsWith("-")) {
    throw new BugError(
      `shop builder: name "${name}" must be 1-20 of [a-z0-9-], starting with a letter`,
    );
  }
  const webInstances = given.webInstances ?? 2;
  const [groups, records] = [given.extraSecurityGroups, given.extraRecords];
  const counts = { webInstances, extraSecurityGroups: groups ?? 0, extraRecords: records ?? 0 };
  for (const [what, n] of Object.entries(counts)) {
    if (!Number.isInteger(n) || n < 0) {
      throw new BugError(`shop builder: ${what} must be a whole number ≥ 0, got ${n}`);
    }
  }
  const missing = Math.max(0, (resourceTarget ?? 0) - predictResourceCount(counts));
  if (missing > 0 && groups !== undefined && records !== undefined) {
    throw new BugError(
      `shop builder: ${resourceTarget} resources asked for, but both filler counts are fixed; ` +
        "drop withExtraSecurityGroups or withExtraRecords so one of them can grow",
    );
  }
  return {
    region,
    name,
    vpcCidr: given.vpcCidr ?? "10.0.0.0/16",
    zones: given.zones ?? [`${region}a`, `${region}b`],
    webInstances,
    instanceType: given.instanceType ?? "t3.small",
    domain: given.domain ?? `${name}.example.com`,
    extraSecurityGroups: groups ?? (records === undefined ? Math.ceil(missing / 2) : missing),
    extraRecords: records ?? (groups === undefined ? Math.floor(missing / 2) : missing),
  };
}

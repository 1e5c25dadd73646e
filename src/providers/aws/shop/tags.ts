import { BugError } from "../../../model/errors.js";
import type { ResourceType, TagSpecification } from "@aws-sdk/client-ec2";

/** Assignable to every SDK's Tag shape (EC2, ELBv2, RDS, Route53 differ in optionality). */
export interface ShopTag {
  Key: string;
  Value: string;
}

/** `app=<name>` plus `Name=<name>-<role>`: how every shop resource is found and told apart. */
export function shopTags(app: string, role: string): ShopTag[] {
  return [
    { Key: "app", Value: app },
    { Key: "Name", Value: `${app}-${role}` },
  ];
}

export function tagSpec(resourceType: ResourceType, app: string, role: string): TagSpecification[] {
  return [{ ResourceType: resourceType, Tags: shopTags(app, role) }];
}

/** EC2 returns optional fields everywhere; a missing id means moto or the builder is broken. */
export function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new BugError(`shop builder: ${what} is missing`);
  return value;
}

import type { IpPermission } from "@aws-sdk/client-ec2";
import { canonicalSet, ref, type PropertiesOf } from "../../model/inventory/index.js";
import type { DiscoveredResource } from "../provider.js";
import { defined } from "./aws-ids.js";
import { nameOf, userTags } from "./aws-tags.js";
import type { Ec2Raw } from "./fetch-ec2.js";

type Rule = PropertiesOf<"security-group">["ingress"][number];

/** Security groups, with AWS's grouped permissions flattened into one rule per peer. */
export function securityGroups(raw: Ec2Raw, region: string): DiscoveredResource[] {
  return raw.securityGroups.map((group) => {
    const id = group.GroupId ?? "";
    return {
      facts: { isDefault: group.GroupName === "default" },
      resource: {
        id: `security-group:${id}` as const,
        kind: "security-group" as const,
        providerId: id,
        name: nameOf(group.Tags, group.GroupName ?? id),
        location: { region },
        tags: userTags(group.Tags),
        properties: {
          network: ref("network", group.VpcId ?? ""),
          groupName: group.GroupName ?? "",
          description: group.Description ?? "",
          ingress: flattenRules(group.IpPermissions),
          egress: flattenRules(group.IpPermissionsEgress),
        },
      },
    };
  });
}

/** One rule per (protocol, ports, peer): AWS groups peers per permission, a rebuild adds each. */
export function flattenRules(permissions: readonly IpPermission[] | undefined): Rule[] {
  const rules: Rule[] = [];
  for (const p of permissions ?? []) {
    const protocol = p.IpProtocol ?? "-1";
    const ports = protocol === "-1" ? {} : defined({ fromPort: p.FromPort, toPort: p.ToPort });
    const add = (peer: Rule["peer"], description: string | undefined) =>
      rules.push(defined({ protocol, ...ports, peer, description: description || undefined }));
    for (const r of p.IpRanges ?? []) if (r.CidrIp) add(r.CidrIp, r.Description);
    for (const r of p.Ipv6Ranges ?? []) if (r.CidrIpv6) add(r.CidrIpv6, r.Description);
    for (const r of p.PrefixListIds ?? []) {
      if (r.PrefixListId) add(ref("prefix-list", r.PrefixListId), r.Description);
    }
    for (const r of p.UserIdGroupPairs ?? []) {
      if (r.GroupId) add(ref("security-group", r.GroupId), r.Description);
    }
  }
  return canonicalSet(rules);
}

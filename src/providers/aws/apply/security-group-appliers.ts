import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
  type IpPermission,
  type SecurityGroup,
} from "@aws-sdk/client-ec2";
import {
  deleting,
  identity,
  ownTags,
  required,
  send,
  tagFilters,
  tagSpec,
  type TargetSpec,
} from "./apply-env.js";
import { adopted, created, outputId, resourceOf, type ApplierTable } from "./applier.js";

interface Rule {
  protocol: string;
  fromPort?: number;
  toPort?: number;
  /** A CIDR, an IPv6 CIDR, a prefix list id or (bound) a security group id. */
  peer: string;
  description?: string;
}
interface Rules {
  group: string;
  ingress: Rule[];
  egress: Rule[];
}

/**
 * Security groups are created empty; `configure` adds every rule that is not there yet, once all
 * groups exist, so groups that name each other work. A new group's default allow-all egress
 * rule counts as present when the spec has it.
 */
export const securityGroupAppliers: ApplierTable = {
  "create:security-group": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<{
        network: string;
        groupName: string;
        description: string;
      }>;
      const existing = await findGroup(ec2, tagFilters(identity(ctx, resourceOf(step))));
      if (existing?.GroupId) return adopted({ id: existing.GroupId });
      const made = await send("ec2.CreateSecurityGroup", () =>
        ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: spec.properties.groupName,
            Description: spec.properties.description || spec.properties.groupName,
            VpcId: spec.properties.network,
            TagSpecifications: tagSpec("security-group", ownTags(ctx, resourceOf(step), spec)),
          }),
        ),
      );
      return created({ id: required(made.GroupId, "GroupId") });
    },
    async undo(step, outputs, ctx, { clients: { ec2 } }) {
      const id =
        outputId(outputs) ??
        (await findGroup(ec2, tagFilters(identity(ctx, resourceOf(step)))))?.GroupId;
      if (id === undefined) return "absent";
      return deleting("ec2.DeleteSecurityGroup", () =>
        ec2.send(new DeleteSecurityGroupCommand({ GroupId: id })),
      );
    },
  },

  "adopt:security-group": {
    async execute(_step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<{ network: string }>;
      const group = await findGroup(ec2, [
        { Name: "vpc-id", Values: [spec.properties.network] },
        { Name: "group-name", Values: ["default"] },
      ]);
      return adopted({ id: required(group?.GroupId, "default security group of the network") });
    },
  },

  "configure:security-group": {
    async execute(_step, ctx, { clients: { ec2 } }) {
      const rules = ctx.input as Rules;
      const group = await findGroup(ec2, [{ Name: "group-id", Values: [rules.group] }]);
      let added = 0;
      for (const direction of ["ingress", "egress"] as const) {
        const have = new Set(
          (direction === "ingress" ? group?.IpPermissions : group?.IpPermissionsEgress)?.flatMap(
            ruleKeys,
          ) ?? [],
        );
        // A peer outside the plan stays `{external}`: it has no id in the target to name.
        const missing = rules[direction].filter(
          (r) => typeof r.peer === "string" && !have.has(ruleKey(r)),
        );
        if (missing.length === 0) continue;
        const IpPermissions = missing.map(toPermission);
        if (direction === "ingress") {
          await send("ec2.AuthorizeSecurityGroupIngress", () =>
            ec2.send(
              new AuthorizeSecurityGroupIngressCommand({ GroupId: rules.group, IpPermissions }),
            ),
          );
        } else {
          await send("ec2.AuthorizeSecurityGroupEgress", () =>
            ec2.send(
              new AuthorizeSecurityGroupEgressCommand({ GroupId: rules.group, IpPermissions }),
            ),
          );
        }
        added += missing.length;
      }
      // A new group allows all egress; a source group without that rule must not gain it.
      const wanted = new Set(rules.egress.map(ruleKey));
      const allowAll = (group?.IpPermissionsEgress ?? []).filter(
        (p) =>
          p.IpProtocol === "-1" &&
          (p.IpRanges ?? []).some((r) => r.CidrIp === "0.0.0.0/0") &&
          !wanted.has("-1/all/0.0.0.0/0"),
      );
      let revoked = 0;
      if (allowAll.length > 0) {
        await send("ec2.RevokeSecurityGroupEgress", () =>
          ec2.send(
            new RevokeSecurityGroupEgressCommand({
              GroupId: rules.group,
              IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
            }),
          ),
        );
        revoked = 1;
      }
      return { outputs: { id: rules.group, added, revoked } };
    },
    async undo(step, _outputs, ctx, { clients: { ec2 } }) {
      // Rules naming other groups block deleting those groups (and two groups naming each
      // other could never go): revoke them before the groups are deleted.
      const group = await findGroup(ec2, tagFilters(identity(ctx, resourceOf(step))));
      const id = group?.GroupId;
      if (id === undefined) return "absent";
      const byGroup = (list: IpPermission[] | undefined) =>
        (list ?? [])
          .filter((p) => (p.UserIdGroupPairs ?? []).length > 0)
          .map((p) => ({ ...p, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] }));
      const ingress = byGroup(group?.IpPermissions);
      const egress = byGroup(group?.IpPermissionsEgress);
      if (ingress.length > 0) {
        await deleting("ec2.RevokeSecurityGroupIngress", () =>
          ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: ingress })),
        );
      }
      if (egress.length > 0) {
        await deleting("ec2.RevokeSecurityGroupEgress", () =>
          ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: egress })),
        );
      }
      return ingress.length + egress.length > 0 ? "deleted" : "absent";
    },
  },
};

async function findGroup(
  ec2: EC2Client,
  filters: { Name: string; Values: string[] }[],
): Promise<SecurityGroup | undefined> {
  const found = await send("ec2.DescribeSecurityGroups", () =>
    ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters })),
  );
  return found.SecurityGroups?.[0];
}

const portsOf = (protocol: string, from?: number, to?: number) =>
  protocol === "-1" ? "-1/all" : `${protocol}/${from ?? ""}-${to ?? ""}`;

function ruleKey(r: Rule): string {
  return `${portsOf(r.protocol, r.fromPort, r.toPort)}/${r.peer}`;
}

/** One key per peer of an AWS permission (a permission may bundle several peers). */
function ruleKeys(p: IpPermission): string[] {
  const ports = portsOf(p.IpProtocol ?? "-1", p.FromPort, p.ToPort);
  return [
    ...(p.IpRanges ?? []).map((r) => r.CidrIp),
    ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
    ...(p.PrefixListIds ?? []).map((r) => r.PrefixListId),
    ...(p.UserIdGroupPairs ?? []).map((r) => r.GroupId),
  ].map((peer) => `${ports}/${peer ?? ""}`);
}

function toPermission(r: Rule): IpPermission {
  const description = r.description === undefined ? {} : { Description: r.description };
  const ports = r.protocol === "-1" ? {} : { FromPort: r.fromPort, ToPort: r.toPort };
  const peer = r.peer.startsWith("sg-")
    ? { UserIdGroupPairs: [{ GroupId: r.peer, ...description }] }
    : r.peer.startsWith("pl-")
      ? { PrefixListIds: [{ PrefixListId: r.peer, ...description }] }
      : r.peer.includes(":")
        ? { Ipv6Ranges: [{ CidrIpv6: r.peer, ...description }] }
        : { IpRanges: [{ CidrIp: r.peer, ...description }] };
  return { IpProtocol: r.protocol, ...ports, ...peer };
}

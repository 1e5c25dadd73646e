import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  type EC2Client,
  type IpPermission,
} from "@aws-sdk/client-ec2";
import type { ShopOptions, ShopSecurity } from "./shop-types.js";
import { required, tagSpec } from "./tags.js";

/** TEST-NET-2 (RFC 5737): an administrators' network that can never be a real neighbour. */
const adminCidr = "198.51.100.0/24";

const fromCidr = (port: number, cidr: string): IpPermission => ({
  IpProtocol: "tcp",
  FromPort: port,
  ToPort: port,
  IpRanges: [{ CidrIp: cidr }],
});

const fromGroup = (port: number, groupId: string): IpPermission => ({
  IpProtocol: "tcp",
  FromPort: port,
  ToPort: port,
  UserIdGroupPairs: [{ GroupId: groupId }],
});

/**
 * The tiers' firewalls. Groups are created first and rules added after, because the rules refer
 * to each other's group ids (internet → lb :80/:443 → web :8080 → database :5432).
 */
export async function buildSecurityGroups(
  ec2: EC2Client,
  options: ShopOptions,
  vpcId: string,
): Promise<ShopSecurity> {
  const group = async (role: string, description: string): Promise<string> => {
    const { GroupId } = await ec2.send(
      new CreateSecurityGroupCommand({
        VpcId: vpcId,
        GroupName: `${options.name}-${role}`,
        Description: description,
        TagSpecifications: tagSpec("security-group", options.name, role),
      }),
    );
    return required(GroupId, "GroupId");
  };
  const extraRoles = Array.from(
    { length: options.extraSecurityGroups },
    (_, i) => `extra-${i + 1}`,
  );
  const [[lb, web, db, bastion], extras] = await Promise.all([
    Promise.all([
      group("lb", "load balancer: HTTP and HTTPS from the internet"),
      group("web", "web servers: 8080 from the load balancer, ssh from the bastion"),
      group("db", "database: PostgreSQL from the web servers"),
      group("bastion", "bastion: ssh from the administrators"),
    ]),
    Promise.all(extraRoles.map((role) => group(role, "filler: node exporter from web servers"))),
  ]);
  const allow = (groupId: string, rules: IpPermission[]) =>
    ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: rules }));
  await Promise.all([
    allow(lb, [fromCidr(80, "0.0.0.0/0"), fromCidr(443, "0.0.0.0/0")]),
    allow(web, [fromGroup(8080, lb), fromGroup(22, bastion)]),
    allow(db, [fromGroup(5432, web)]),
    allow(bastion, [fromCidr(22, adminCidr)]),
    ...extras.map((id) => allow(id, [fromGroup(9100, web)])),
  ]);
  return {
    loadBalancerGroupId: lb,
    webGroupId: web,
    databaseGroupId: db,
    bastionGroupId: bastion,
    adminCidr,
    extraGroupIds: extras,
  };
}

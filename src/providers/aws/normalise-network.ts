import { canonicalSet, ref, type Ref } from "../../model/inventory/index.js";
import type { DiscoveredResource, IgnoredResource } from "../provider.js";
import { defined, refs } from "./aws-ids.js";
import { nameOf, userTags } from "./aws-tags.js";
import type { Ec2Raw } from "./fetch-ec2.js";
import { routeTables } from "./normalise-routes.js";
import { securityGroups } from "./normalise-security-groups.js";

/** What the network normaliser needs to know about the rest of the region. */
export interface NetworkContext {
  readonly region: string;
  /** Interfaces a service made for itself (NAT, load balancer, database): never captured. */
  readonly serviceInterfaces: ReadonlySet<string>;
  /** Machine id → the scaling group that manages it. */
  readonly managedMachines: ReadonlyMap<string, string>;
}

export function serviceInterfaces(raw: Ec2Raw): IgnoredResource[] {
  const managed = raw.networkInterfaces
    .filter(
      (eni) => eni.RequesterManaged === true || (eni.InterfaceType ?? "interface") !== "interface",
    )
    .map((eni) => ({
      providerId: eni.NetworkInterfaceId ?? "",
      kind: "network-interface",
      reason: `interface managed by a service (${eni.InterfaceType ?? "requester-managed"})`,
    }));
  // A NAT gateway's interface is the NAT's own, even where the API does not say so (moto).
  const nat = raw.natGateways.flatMap((n) =>
    (n.NatGatewayAddresses ?? []).flatMap((a) =>
      a.NetworkInterfaceId
        ? [
            {
              providerId: a.NetworkInterfaceId,
              kind: "network-interface",
              reason: `interface of ${n.NatGatewayId ?? "a NAT gateway"}`,
            },
          ]
        : [],
    ),
  );
  const seen = new Set(managed.map((m) => m.providerId));
  return [...managed, ...nat.filter((n) => !seen.has(n.providerId))];
}

export function normaliseNetwork(raw: Ec2Raw, ctx: NetworkContext): DiscoveredResource[] {
  const region = { region: ctx.region };
  const out: DiscoveredResource[] = [];
  for (const vpc of raw.vpcs) {
    const id = vpc.VpcId ?? "";
    const dns = raw.vpcDns.get(id) ?? {};
    out.push({
      facts: { isDefault: vpc.IsDefault === true },
      resource: {
        id: `network:${id}`,
        kind: "network",
        providerId: id,
        name: nameOf(vpc.Tags, id),
        location: region,
        tags: userTags(vpc.Tags),
        properties: defined({
          cidrBlock: vpc.CidrBlock ?? "",
          additionalCidrBlocks: (vpc.CidrBlockAssociationSet ?? [])
            .filter(
              (a) => a.CidrBlock !== vpc.CidrBlock && a.CidrBlockState?.State === "associated",
            )
            .flatMap((a) => (a.CidrBlock ? [a.CidrBlock] : []))
            .sort(),
          ipv6CidrBlocks: (vpc.Ipv6CidrBlockAssociationSet ?? [])
            .flatMap((a) => (a.Ipv6CidrBlock ? [a.Ipv6CidrBlock] : []))
            .sort(),
          instanceTenancy: vpc.InstanceTenancy ?? "default",
          enableDnsSupport: dns.support,
          enableDnsHostnames: dns.hostnames,
          isDefault: vpc.IsDefault === true,
        }),
      },
    });
  }
  for (const subnet of raw.subnets) {
    const id = subnet.SubnetId ?? "";
    out.push({
      facts: { isDefault: subnet.DefaultForAz === true },
      resource: {
        id: `subnet:${id}`,
        kind: "subnet",
        providerId: id,
        name: nameOf(subnet.Tags, id),
        location: defined({ region: ctx.region, zone: subnet.AvailabilityZone }),
        tags: userTags(subnet.Tags),
        properties: {
          network: ref("network", subnet.VpcId ?? ""),
          cidrBlock: subnet.CidrBlock ?? "",
          ipv6CidrBlocks: (subnet.Ipv6CidrBlockAssociationSet ?? [])
            .flatMap((a) => (a.Ipv6CidrBlock ? [a.Ipv6CidrBlock] : []))
            .sort(),
          mapPublicIpOnLaunch: subnet.MapPublicIpOnLaunch === true,
          assignIpv6AddressOnCreation: subnet.AssignIpv6AddressOnCreation === true,
          defaultForZone: subnet.DefaultForAz === true,
        },
      },
    });
  }
  const defaultVpcs = new Set(raw.vpcs.filter((v) => v.IsDefault).map((v) => v.VpcId));
  for (const igw of raw.internetGateways) {
    const id = igw.InternetGatewayId ?? "";
    const vpcs = (igw.Attachments ?? []).map((a) => a.VpcId);
    out.push({
      facts: { isDefault: vpcs.some((v) => defaultVpcs.has(v)) },
      resource: {
        id: `internet-gateway:${id}`,
        kind: "internet-gateway",
        providerId: id,
        name: nameOf(igw.Tags, id),
        location: region,
        tags: userTags(igw.Tags),
        properties: { networks: refs("network", vpcs) },
      },
    });
  }
  for (const nat of raw.natGateways) {
    const id = nat.NatGatewayId ?? "";
    out.push({
      facts: {},
      resource: {
        id: `nat-gateway:${id}`,
        kind: "nat-gateway",
        providerId: id,
        name: nameOf(nat.Tags, id),
        location: region,
        tags: userTags(nat.Tags),
        properties: {
          subnet: ref("subnet", nat.SubnetId ?? ""),
          connectivity: nat.ConnectivityType ?? "public",
          addresses: canonicalSet(
            (nat.NatGatewayAddresses ?? []).map((a) =>
              defined({
                address: a.AllocationId ? ref("address", a.AllocationId) : undefined,
                privateIp: a.PrivateIp,
              }),
            ),
          ),
        },
      },
    });
  }
  for (const address of raw.addresses) {
    const id = address.AllocationId ?? address.PublicIp ?? "";
    const eni = address.NetworkInterfaceId;
    const association: Ref | undefined = address.InstanceId
      ? ref("machine", address.InstanceId)
      : eni && !ctx.serviceInterfaces.has(eni)
        ? ref("network-interface", eni)
        : undefined;
    out.push({
      facts: {},
      resource: {
        id: `address:${id}`,
        kind: "address",
        providerId: id,
        name: nameOf(address.Tags, address.PublicIp ?? id),
        location: region,
        tags: userTags(address.Tags),
        properties: defined({
          publicIp: address.PublicIp ?? "",
          domain: address.Domain ?? "vpc",
          association,
          privateIp: association ? address.PrivateIpAddress : undefined,
        }),
      },
    });
  }
  out.push(
    ...routeTables(raw, ctx.region),
    ...securityGroups(raw, ctx.region),
    ...interfaces(raw, ctx),
  );
  return out;
}

function interfaces(raw: Ec2Raw, ctx: NetworkContext): DiscoveredResource[] {
  return raw.networkInterfaces
    .filter((eni) => !ctx.serviceInterfaces.has(eni.NetworkInterfaceId ?? ""))
    .map((eni) => {
      const id = eni.NetworkInterfaceId ?? "";
      const machine = eni.Attachment?.InstanceId;
      const managedBy = machine ? ctx.managedMachines.get(machine) : undefined;
      return {
        facts: managedBy ? { managedBy: `scaling-group:${managedBy}` as const } : {},
        resource: {
          id: `network-interface:${id}` as const,
          kind: "network-interface" as const,
          providerId: id,
          name: nameOf(eni.TagSet, id),
          location: defined({ region: ctx.region, zone: eni.AvailabilityZone }),
          tags: userTags(eni.TagSet),
          properties: defined({
            subnet: ref("subnet", eni.SubnetId ?? ""),
            groups: refs(
              "security-group",
              (eni.Groups ?? []).map((g) => g.GroupId),
            ),
            description: eni.Description ?? "",
            interfaceType: eni.InterfaceType ?? "interface",
            sourceDestCheck: eni.SourceDestCheck !== false,
            privateIps: (eni.PrivateIpAddresses ?? [])
              .map((p) => ({ address: p.PrivateIpAddress ?? "", primary: p.Primary === true }))
              .sort(
                (a, b) =>
                  Number(b.primary) - Number(a.primary) || a.address.localeCompare(b.address),
              ),
            attachment: machine
              ? {
                  machine: ref("machine", machine),
                  deviceIndex: eni.Attachment?.DeviceIndex ?? 0,
                  deleteOnTermination: eni.Attachment?.DeleteOnTermination === true,
                }
              : undefined,
          }),
        },
      };
    });
}

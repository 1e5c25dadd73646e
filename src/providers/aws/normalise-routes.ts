import { canonicalSet, ref } from "../../model/inventory/index.js";
import type { DiscoveredResource } from "../provider.js";
import { refs } from "./aws-ids.js";
import { nameOf, userTags } from "./aws-tags.js";
import type { Ec2Raw } from "./fetch-ec2.js";

/** Route tables: routes by destination and target, explicit associations, the main flag. */
export function routeTables(raw: Ec2Raw, region: string): DiscoveredResource[] {
  return raw.routeTables.map((table) => {
    const id = table.RouteTableId ?? "";
    const associations = table.Associations ?? [];
    const main = associations.some((a) => a.Main === true);
    const routes = (table.Routes ?? [])
      .filter((r) => r.Origin !== "EnableVgwRoutePropagation")
      .flatMap((r) => {
        const destination = r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock;
        const dest =
          destination ??
          (r.DestinationPrefixListId ? ref("prefix-list", r.DestinationPrefixListId) : undefined);
        const target = routeTarget(r);
        return dest === undefined || target === undefined ? [] : [{ destination: dest, target }];
      });
    return {
      facts: { isDefault: main },
      resource: {
        id: `route-table:${id}` as const,
        kind: "route-table" as const,
        providerId: id,
        name: nameOf(table.Tags, id),
        location: { region },
        tags: userTags(table.Tags),
        properties: {
          network: ref("network", table.VpcId ?? ""),
          main,
          routes: canonicalSet(routes),
          associations: canonicalSet([
            ...refs(
              "subnet",
              associations.filter((a) => !a.Main).map((a) => a.SubnetId),
            ),
            ...refs(
              "internet-gateway",
              associations.filter((a) => !a.Main).map((a) => a.GatewayId),
            ),
          ]),
        },
      },
    };
  });
}

function routeTarget(r: NonNullable<Ec2Raw["routeTables"][number]["Routes"]>[number]) {
  const gateway = r.GatewayId;
  if (gateway === "local") return "local" as const;
  if (gateway?.startsWith("igw-")) return ref("internet-gateway", gateway);
  if (gateway?.startsWith("vgw-")) return ref("vpn-gateway", gateway);
  if (gateway?.startsWith("vpce-")) return ref("vpc-endpoint", gateway);
  if (r.NatGatewayId) return ref("nat-gateway", r.NatGatewayId);
  if (r.InstanceId) return ref("machine", r.InstanceId);
  if (r.NetworkInterfaceId) return ref("network-interface", r.NetworkInterfaceId);
  if (r.VpcPeeringConnectionId) return ref("peering-connection", r.VpcPeeringConnectionId);
  if (r.TransitGatewayId) return ref("transit-gateway", r.TransitGatewayId);
  if (r.EgressOnlyInternetGatewayId)
    return ref("egress-only-gateway", r.EgressOnlyInternetGatewayId);
  return undefined;
}

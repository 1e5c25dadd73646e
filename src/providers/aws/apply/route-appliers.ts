import {
  AssociateRouteTableCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  DeleteRouteTableCommand,
  DescribeRouteTablesCommand,
  DisassociateRouteTableCommand,
  ReplaceRouteCommand,
  type CreateRouteCommandInput,
  type EC2Client,
  type Route,
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

interface RouteSpec {
  destination: string;
  target: string;
}
interface RouteConfig {
  table: string;
  routes: RouteSpec[];
  associations: string[];
}

/**
 * Route tables: created tagged (or the new network's main table adopted), then `configure` adds
 * the routes and subnet associations that are missing — "already there" is success, a route to
 * another target is replaced.
 */
export const routeTableAppliers: ApplierTable = {
  "create:route-table": {
    async execute(step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<{ network: string }>;
      const existing = await findTable(ec2, tagFilters(identity(ctx, resourceOf(step))));
      if (existing?.RouteTableId) return adopted({ id: existing.RouteTableId });
      const made = await send("ec2.CreateRouteTable", () =>
        ec2.send(
          new CreateRouteTableCommand({
            VpcId: spec.properties.network,
            TagSpecifications: tagSpec("route-table", ownTags(ctx, resourceOf(step), spec)),
          }),
        ),
      );
      return created({ id: required(made.RouteTable?.RouteTableId, "RouteTableId") });
    },
    async undo(step, outputs, ctx, { clients: { ec2 } }) {
      const id =
        outputId(outputs) ??
        (await findTable(ec2, tagFilters(identity(ctx, resourceOf(step)))))?.RouteTableId;
      if (id === undefined) return "absent";
      return deleting("ec2.DeleteRouteTable", () =>
        ec2.send(new DeleteRouteTableCommand({ RouteTableId: id })),
      );
    },
  },

  "adopt:route-table": {
    async execute(_step, ctx, { clients: { ec2 } }) {
      const spec = ctx.input as TargetSpec<{ network: string }>;
      const main = await findTable(ec2, [
        { Name: "vpc-id", Values: [spec.properties.network] },
        { Name: "association.main", Values: ["true"] },
      ]);
      return adopted({ id: required(main?.RouteTableId, "main route table of the network") });
    },
  },

  "configure:route-table": {
    async execute(_step, ctx, { clients: { ec2 } }) {
      const config = ctx.input as RouteConfig;
      const table = await findTable(ec2, [{ Name: "route-table-id", Values: [config.table] }]);
      const routes = new Map((table?.Routes ?? []).map((r) => [destinationOf(r), r]));
      let changed = 0;
      for (const route of config.routes) {
        // `local` is the network's own; `{external}` names something the plan does not build.
        if (route.target === "local" || typeof route.target !== "string") continue;
        if (typeof route.destination !== "string") continue;
        const current = routes.get(route.destination);
        if (current && targetOf(current) === route.target) continue;
        const input = { RouteTableId: config.table, ...routeFields(route) };
        if (current) {
          await send("ec2.ReplaceRoute", () => ec2.send(new ReplaceRouteCommand(input)));
        } else {
          await send("ec2.CreateRoute", () => ec2.send(new CreateRouteCommand(input)));
        }
        changed += 1;
      }
      const associated = new Set((table?.Associations ?? []).map((a) => a.SubnetId));
      for (const subnet of config.associations) {
        if (associated.has(subnet)) continue;
        const gateway = /^(igw|vgw)-/.test(subnet);
        await send("ec2.AssociateRouteTable", () =>
          ec2.send(
            new AssociateRouteTableCommand({
              RouteTableId: config.table,
              ...(gateway ? { GatewayId: subnet } : { SubnetId: subnet }),
            }),
          ),
        );
        changed += 1;
      }
      return { outputs: { id: config.table, changed } };
    },
    async undo(step, _outputs, ctx, { clients: { ec2 } }) {
      // Associations block deleting the table; routes go with it. Only our run's tables.
      const table = await findTable(ec2, tagFilters(identity(ctx, resourceOf(step))));
      const associations = (table?.Associations ?? []).filter(
        (a) => !a.Main && a.RouteTableAssociationId,
      );
      if (associations.length === 0) return "absent";
      for (const a of associations) {
        await deleting("ec2.DisassociateRouteTable", () =>
          ec2.send(new DisassociateRouteTableCommand({ AssociationId: a.RouteTableAssociationId })),
        );
      }
      return "deleted";
    },
  },
};

async function findTable(ec2: EC2Client, filters: { Name: string; Values: string[] }[]) {
  const found = await send("ec2.DescribeRouteTables", () =>
    ec2.send(new DescribeRouteTablesCommand({ Filters: filters })),
  );
  return found.RouteTables?.[0];
}

function destinationOf(r: Route): string {
  return r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId ?? "";
}

function targetOf(r: Route): string | undefined {
  return (
    r.GatewayId ??
    r.NatGatewayId ??
    r.NetworkInterfaceId ??
    r.InstanceId ??
    r.VpcPeeringConnectionId ??
    r.TransitGatewayId
  );
}

/** Destination and target fields of CreateRoute, chosen by the shape of the bound ids. */
function routeFields(route: RouteSpec): Omit<CreateRouteCommandInput, "RouteTableId"> {
  const destination = route.destination.startsWith("pl-")
    ? { DestinationPrefixListId: route.destination }
    : route.destination.includes(":")
      ? { DestinationIpv6CidrBlock: route.destination }
      : { DestinationCidrBlock: route.destination };
  const t = route.target;
  const target = t.startsWith("nat-")
    ? { NatGatewayId: t }
    : t.startsWith("eni-")
      ? { NetworkInterfaceId: t }
      : t.startsWith("i-")
        ? { InstanceId: t }
        : t.startsWith("pcx-")
          ? { VpcPeeringConnectionId: t }
          : t.startsWith("tgw-")
            ? { TransitGatewayId: t }
            : { GatewayId: t };
  return { ...destination, ...target };
}
